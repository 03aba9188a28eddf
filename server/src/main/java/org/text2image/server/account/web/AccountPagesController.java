package org.text2image.server.account.web;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.EmailVerifications;
import org.text2image.server.account.PasswordRules;
import org.text2image.server.account.RegistrationException;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.support.UserText;

/**
 * {@code /register} (form and submit) and {@code /login} (the form; Spring Security handles its
 * POST). Every accepted registration form, for a new address or one that already has an account
 * and whatever {@code text2image.accounts.email-verification} says, answers the same redirect to
 * "check your inbox" ({@code /register?sent}) and signs nobody in, so the form does not tell which
 * addresses have accounts. The mail tells the owner which case it was.
 */
@Controller
class AccountPagesController {

    private final AccountService accounts;
    private final EmailVerifications verifications;

    AccountPagesController(AccountService accounts, EmailVerifications verifications) {
        this.accounts = accounts;
        this.verifications = verifications;
    }

    @GetMapping("/login")
    String login(@AuthenticationPrincipal SignedInUser user) {
        return user == null ? "account/login" : "redirect:/generate";
    }

    @GetMapping("/register")
    ModelAndView registerForm(@AuthenticationPrincipal SignedInUser user) {
        return user == null ? form("", Map.of(), HttpStatus.OK) : new ModelAndView("redirect:/generate");
    }

    /**
     * "Check your inbox": the same page after any accepted registration form, whatever the address.
     * Without verification it also offers to sign in, since a new account is ready at once.
     */
    @GetMapping(value = "/register", params = "sent")
    ModelAndView sent() {
        return new ModelAndView("account/register-sent", Map.of("verificationRequired", verifications.required()));
    }

    @PostMapping("/register")
    ModelAndView register(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
                          RedirectAttributes redirect) {
        try {
            accounts.signUp(email, password); // empty for a taken address: answered alike, on purpose
        } catch (RegistrationException e) {
            return form(email, e.fieldErrors(), HttpStatus.UNPROCESSABLE_CONTENT);
        }
        redirect.addFlashAttribute("sentTo", UserText.normalise(email));
        return new ModelAndView("redirect:/register?sent");
    }

    private static ModelAndView form(String email, Map<String, String> errors, HttpStatus status) {
        ModelAndView page = new ModelAndView("account/register", status);
        page.addObject("email", email);
        page.addObject("errors", errors);
        page.addObject("minPassword", PasswordRules.MIN_LENGTH);
        page.addObject("maxPassword", PasswordRules.MAX_LENGTH);
        return page;
    }
}
