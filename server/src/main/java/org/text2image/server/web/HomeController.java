package org.text2image.server.web;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Credits;
import org.text2image.server.settings.LiveSettings;

/** {@code /}: the landing page for visitors (with the sign-up offer of the live setting {@code signup-credits}); signed-in users go straight to Generate. */
@Controller
class HomeController {

    private final LiveSettings settings;

    HomeController(LiveSettings settings) {
        this.settings = settings;
    }

    @GetMapping("/")
    String home(@AuthenticationPrincipal SignedInUser user, Model model) {
        if (user != null) {
            return "redirect:/generate";
        }
        long signupCredits = settings.current().signupCredits();
        model.addAttribute("signupOffer", signupCredits > 0
                ? "Sign up — " + Credits.format(signupCredits, "free") : "Sign up");
        return "web/home";
    }
}
