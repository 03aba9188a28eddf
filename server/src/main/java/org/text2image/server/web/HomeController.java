package org.text2image.server.web;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.text2image.server.account.SignedInUser;

/** {@code /}: the landing page for visitors; signed-in users go straight to Generate. */
@Controller
class HomeController {

    @GetMapping("/")
    String home(@AuthenticationPrincipal SignedInUser user) {
        return user == null ? "web/home" : "redirect:/generate";
    }
}
