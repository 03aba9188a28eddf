package org.text2image.server.account.web;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.InvalidPasswordException;
import org.text2image.server.account.PasswordRules;
import org.text2image.server.account.Passwords;

/**
 * Forgotten passwords: {@code /forgot-password} asks for the address and answers the same
 * redirect ({@code ?sent}) whether or not it has an account; {@code /reset-password?token=…} (the
 * mailed link) shows the new-password form, whose POST carries the token. A link that is used,
 * over an hour old or unknown gets a page that says so (410) and changes nothing.
 */
@Controller
class PasswordResetPagesController {

    private final Passwords passwords;

    PasswordResetPagesController(Passwords passwords) {
        this.passwords = passwords;
    }

    @GetMapping("/forgot-password")
    ModelAndView forgotForm() {
        return forgot("", Map.of(), HttpStatus.OK);
    }

    @GetMapping(value = "/forgot-password", params = "sent")
    String sent() {
        return "account/forgot-sent";
    }

    @PostMapping("/forgot-password")
    ModelAndView forgot(@RequestParam(defaultValue = "") String email, RedirectAttributes redirect) {
        String address = email.strip();
        if (!AccountService.isEmailAddress(address)) {
            return forgot(email, Map.of("email", "Enter a valid email address."), HttpStatus.UNPROCESSABLE_CONTENT);
        }
        passwords.requestReset(address);
        redirect.addFlashAttribute("sentTo", address);
        return new ModelAndView("redirect:/forgot-password?sent");
    }

    @GetMapping("/reset-password")
    ModelAndView resetForm(@RequestParam(defaultValue = "") String token) {
        return passwords.resetLinkWorks(token) ? reset(token, Map.of(), HttpStatus.OK) : expired();
    }

    @PostMapping("/reset-password")
    ModelAndView reset(@RequestParam(defaultValue = "") String token, @RequestParam(defaultValue = "") String password) {
        try {
            return passwords.reset(token, password) ? new ModelAndView("redirect:/login?reset") : expired();
        } catch (InvalidPasswordException e) {
            return reset(token, e.fieldErrors(), HttpStatus.UNPROCESSABLE_CONTENT);
        }
    }

    private static ModelAndView forgot(String email, Map<String, String> errors, HttpStatus status) {
        ModelAndView page = new ModelAndView("account/forgot", status);
        page.addObject("email", email);
        page.addObject("errors", errors);
        return page;
    }

    private static ModelAndView reset(String token, Map<String, String> errors, HttpStatus status) {
        ModelAndView page = new ModelAndView("account/reset", status);
        page.addObject("token", token);
        page.addObject("errors", errors);
        page.addObject("minPassword", PasswordRules.MIN_LENGTH);
        page.addObject("maxPassword", PasswordRules.MAX_LENGTH);
        return page;
    }

    private static ModelAndView expired() {
        return new ModelAndView("account/link-expired", HttpStatus.GONE);
    }
}
