package org.text2image.server.generation.web;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.ModelMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.HistoryPage;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@code /history?page=N}: the user's jobs, newest first, {@value #PAGE_SIZE} per page (pages count
 * from 1); {@code /history/jobs/{id}}: one job's list item, which a job that is not final polls
 * every 3 s (owner and admins; anyone else gets the same 404 as for an unknown id).
 */
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

    @GetMapping("/history/jobs/{id}")
    String item(@AuthenticationPrincipal SignedInUser user, @PathVariable String id, ModelMap model) {
        JobView job = UrlIds.parse(id).flatMap(jobId -> generation.find(jobId, new Viewer(user.id(), user.admin())))
                .orElseThrow(() -> new PageNotFoundException("Job " + id + " is unknown or not visible to user " + user.id()));
        model.addAttribute("job", job);
        return "generation/history :: item(job=${job})";
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
