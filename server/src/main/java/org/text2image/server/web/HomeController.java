package org.text2image.server.web;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.text2image.server.account.AccountProperties;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Credits;

/** {@code /}: the landing page for visitors (with the sign-up offer of {@code signup-credits}); signed-in users go straight to Generate. */
@Controller
class HomeController {

    private final AccountProperties accounts;

    HomeController(AccountProperties accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/")
    String home(@AuthenticationPrincipal SignedInUser user, Model model) {
        if (user != null) {
            return "redirect:/generate";
        }
        model.addAttribute("signupOffer", accounts.signupCredits() > 0
                ? "Sign up — " + Credits.format(accounts.signupCredits(), "free") : "Sign up");
        return "web/home";
    }
}
