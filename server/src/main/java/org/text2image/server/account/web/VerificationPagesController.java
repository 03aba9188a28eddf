package org.text2image.server.account.web;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.EmailVerifications;
import org.text2image.server.account.SignedInUser;

/**
 * Email verification: {@code GET /verify-email?token=…} (the mailed link) shows a button that
 * confirms the address with a POST, so a mail scanner that opens links does not use the link up;
 * {@code POST /account/verification/resend} sends the link again (limited per hour).
 */
@Controller
class VerificationPagesController {

    private final EmailVerifications verifications;

    VerificationPagesController(EmailVerifications verifications) {
        this.verifications = verifications;
    }

    @GetMapping("/verify-email")
    ModelAndView confirmPage(@RequestParam(defaultValue = "") String token) {
        return verifications.check(token).map(user -> {
            ModelAndView page = new ModelAndView("account/verify");
            page.addObject("token", token);
            page.addObject("address", user.email());
            return page;
        }).orElseGet(() -> new ModelAndView("account/link-expired", HttpStatus.GONE));
    }

    @PostMapping("/verify-email")
    ModelAndView confirm(@AuthenticationPrincipal SignedInUser user, @RequestParam(defaultValue = "") String token,
                         RedirectAttributes redirect) {
        if (verifications.confirm(token).isEmpty()) {
            return new ModelAndView("account/link-expired", HttpStatus.GONE);
        }
        if (user == null) {
            return new ModelAndView("redirect:/login?verified");
        }
        redirect.addFlashAttribute("notice", "Your email address is confirmed.");
        return new ModelAndView("redirect:/generate");
    }

    @PostMapping("/account/verification/resend")
    String resend(@AuthenticationPrincipal SignedInUser user, @RequestParam(defaultValue = "") String from,
                  RedirectAttributes redirect) {
        if (verifications.resend(user)) {
            redirect.addFlashAttribute("notice", "We sent a new confirmation link to " + user.email() + ".");
        } else if (verifications.pending(user)) {
            redirect.addFlashAttribute("notice", "You have asked for several links in the last hour. "
                    + "Check your inbox and spam folder, or try again later.");
        }
        return "generate".equals(from) ? "redirect:/generate" : "redirect:/account";
    }
}
