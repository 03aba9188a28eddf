package org.text2image.server.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.DeletionRequests;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@code /admin/users}: find accounts by email, see the pending deletion requests, and on
 * {@code /admin/users/{id}} a user's balance, jobs, payments, sessions and audit entries, with
 * disable, enable, end sessions, delete (confirmed by typing the user's email), and give or end a
 * plan ({@link PlanAssignments}). Every form answers a success with 303 See Other (its notice as
 * a flash attribute) and a refusal with the page again, the message beside its field (422), having
 * changed nothing. For anyone but an admin none of it exists (404, {@code web/PageSecurity}).
 */
@Controller
@RequestMapping("/admin/users")
class UsersPageController {

    private static final int SEARCH_ROWS = 100;

    private final AccountDirectory directory;
    private final DeletionRequests deletionRequests;
    private final UserAdministration administration;
    private final UserDossier dossier;
    private final AccountDeletion deletion;
    private final PlanAssignments planAssignments;
    private final UserPlans userPlans;
    private final java.time.Clock clock;

    UsersPageController(AccountDirectory directory, DeletionRequests deletionRequests,
                        UserAdministration administration, UserDossier dossier, AccountDeletion deletion,
                        PlanAssignments planAssignments, UserPlans userPlans, java.time.Clock clock) {
        this.deletion = deletion;
        this.planAssignments = planAssignments;
        this.userPlans = userPlans;
        this.clock = clock;
        this.directory = directory;
        this.deletionRequests = deletionRequests;
        this.administration = administration;
        this.dossier = dossier;
    }

    /**
     * The search by email, or with {@code joined} (an ISO date or {@code today}) the accounts that
     * signed up that day in the server's zone, newest first; a bad date is a 400 with its message.
     */
    @GetMapping
    ModelAndView search(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "") String joined,
                        Model model) {
        String text = q.length() > AccountDirectory.MAX_QUERY ? q.substring(0, AccountDirectory.MAX_QUERY) : q.strip();
        model.addAttribute("q", text);
        model.addAttribute("requests", deletionRequests.pending());
        HttpStatus status = HttpStatus.OK;
        java.time.LocalDate day = null;
        try {
            day = AdminDays.parse(joined, clock);
        } catch (IllegalArgumentException e) {
            model.addAttribute("joinedError", e.getMessage());
            status = HttpStatus.BAD_REQUEST;
        }
        model.addAttribute("joined", day);
        model.addAttribute("users", day == null ? directory.search(text, SEARCH_ROWS)
                : directory.joined(AdminDays.start(day, clock), AdminDays.end(day, clock), SEARCH_ROWS));
        return new ModelAndView("admin/users", status);
    }

    @GetMapping("/{id}")
    String view(@PathVariable long id, Model model) {
        return show(id, model, Map.of());
    }

    @PostMapping("/{id}/disable")
    ModelAndView disable(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id,
                         @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect, Model model) {
        return act(id, model, redirect, Map.of("disableReason", reason), () -> administration.disable(admin, id, reason),
                "disable");
    }

    @PostMapping("/{id}/enable")
    ModelAndView enable(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id,
                        @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect, Model model) {
        return act(id, model, redirect, Map.of("enableReason", reason), () -> administration.enable(admin, id, reason),
                "enable");
    }

    @PostMapping("/{id}/end-sessions")
    ModelAndView endSessions(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id,
                             RedirectAttributes redirect, Model model) {
        return act(id, model, redirect, Map.of(), () -> administration.endSessions(admin, id), "sessions");
    }

    @PostMapping("/{id}/delete")
    ModelAndView delete(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id,
                        @RequestParam(defaultValue = "") String confirm, @RequestParam(defaultValue = "") String reason,
                        RedirectAttributes redirect, Model model) {
        return act(id, model, redirect, Map.of("deleteConfirm", confirm, "deleteReason", reason),
                () -> deletion.delete(admin, id, confirm, reason), "delete");
    }

    @PostMapping("/{id}/plan")
    ModelAndView assignPlan(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id,
                            @RequestParam(defaultValue = "") String plan, @RequestParam(defaultValue = "") String period,
                            @RequestParam(defaultValue = "") String count, @RequestParam(defaultValue = "") String reason,
                            @RequestParam(defaultValue = "") String key, RedirectAttributes redirect, Model model) {
        return act(id, model, redirect, Map.of("planChoice", plan, "planPeriod", period, "planCount", count,
                "planReason", reason), () -> planAssignments.assign(admin, id, plan, period, count, reason, key), "plan");
    }

    @PostMapping("/{id}/plan/end")
    ModelAndView endPlan(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id,
                         @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect, Model model) {
        return act(id, model, redirect, Map.of("planEndReason", reason), () -> planAssignments.end(admin, id, reason),
                "planEnd");
    }

    /**
     * Runs an action: its notice and a 303 to the user's page, or the page again with the
     * action's field errors (prefixed with {@code form}, such as {@code disable.reason}) and 422.
     */
    private ModelAndView act(long id, Model model, RedirectAttributes redirect, Map<String, String> typed,
                             Supplier<String> action, String form) {
        try {
            redirect.addFlashAttribute("notice", action.get());
            ModelAndView done = new ModelAndView("redirect:/admin/users/" + id);
            done.setStatus(HttpStatus.SEE_OTHER);
            return done;
        } catch (NoSuchElementException e) {
            throw new PageNotFoundException("No user " + id);
        } catch (InvalidInputException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            e.fieldErrors().forEach((field, message) -> errors.put(form + "." + field, message));
            model.addAllAttributes(typed);
            ModelAndView page = new ModelAndView(show(id, model, errors));
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        }
    }

    private String show(long id, Model model, Map<String, String> errors) {
        model.addAttribute("user", dossier.of(id).orElseThrow(() -> new PageNotFoundException("No user " + id)));
        model.addAttribute("errors", errors);
        model.addAttribute("userPlan", userPlans.planOf(id));
        var term = userPlans.subscription(id).orElse(null);
        model.addAttribute("term", term);
        model.addAttribute("nextPlanName", term == null || term.next() == null ? null : userPlans.catalogue()
                .find(term.next().planId()).map(org.text2image.server.plans.Plan::name).orElse(term.next().planId()));
        model.addAttribute("paidPlans", userPlans.catalogue().all().stream().filter(p -> !p.free()).toList());
        model.addAttribute("planKey", java.util.UUID.randomUUID().toString());
        model.addAttribute("maxPeriods", PlanTerms.MAX_PERIODS);
        return "admin/user";
    }
}
