package org.text2image.server.help.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code /help}: the questions people ask, answered with the site's current numbers ({@link FaqFacts}); open to everyone. */
@Controller
class HelpPageController {

    private final FaqFactsSource facts;

    HelpPageController(FaqFactsSource facts) {
        this.facts = facts;
    }

    @GetMapping("/help")
    String help(Model model) {
        model.addAttribute("faq", facts.current());
        return "help/help";
    }
}
