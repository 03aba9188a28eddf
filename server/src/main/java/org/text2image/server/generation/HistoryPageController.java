package org.text2image.server.generation;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.ModelMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.text2image.server.account.SignedInUser;

/** {@code /history?page=N}: the user's jobs, newest first, {@value #PAGE_SIZE} per page (pages count from 1). */
@Controller
class HistoryPageController {

    static final int PAGE_SIZE = 20;

    private final GenerationService generation;

    HistoryPageController(GenerationService generation) {
        this.generation = generation;
    }

    @GetMapping("/history")
    String history(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String page,
                   ModelMap model) {
        HistoryPage history = generation.history(user.id(), pageNumber(page) - 1, PAGE_SIZE);
        model.addAttribute("history", history);
        model.addAttribute("pageNumber", history.page() + 1);
        return "generation/history";
    }

    /** 1-based; anything that is not a positive number is the first page. */
    private static int pageNumber(String page) {
        try {
            return Math.max(1, Integer.parseInt(page == null ? "1" : page.strip()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
