package org.text2image.server.admin;

import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.text2image.server.training.LoraTrainings;
import org.text2image.server.training.Training;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.JobAdministration;
import org.text2image.server.generation.JobSearch;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@code /admin/jobs}: every user's jobs, newest first, searched by the user's email, state,
 * model and a range of days ({@link JobFilter}) and paged; a bad filter is answered with 400 and a
 * message beside it. {@code /admin/jobs/{id}}: a job's parameters, rendered workflow, attempts,
 * ledger entries and images, with cancel, run again free and offer to run again
 * ({@link JobActions}, {@link RerunOffers}): each answers a success with 303 See Other and its
 * notice, a refusal with the page again (422) and the message beside its form.
 */
@Controller
@RequestMapping("/admin/jobs")
class JobsPageController {

    /** Trainings in the page's "Training jobs" section, newest first. */
    static final int TRAININGS_LISTED = 20;

    private final JobAdministration jobs;
    private final JobActions actions;
    private final RerunOffers offers;
    private final AccountDirectory directory;
    private final AccountService accounts;
    private final CreditStatements statements;
    private final ModelCatalog catalog;
    private final Clock clock;
    private final LoraTrainings trainings;

    JobsPageController(JobAdministration jobs, JobActions actions, RerunOffers offers, AccountDirectory directory,
                       AccountService accounts, CreditStatements statements, ModelCatalog catalog, Clock clock,
                       LoraTrainings trainings) {
        this.trainings = trainings;
        this.jobs = jobs;
        this.actions = actions;
        this.offers = offers;
        this.directory = directory;
        this.accounts = accounts;
        this.statements = statements;
        this.catalog = catalog;
        this.clock = clock;
    }

    @GetMapping
    ModelAndView search(@ModelAttribute("filter") JobFilter filter) {
        Map<String, String> errors = new LinkedHashMap<>();
        List<Long> userIds = filter.user().isEmpty() || filter.user().length() > AccountDirectory.MAX_QUERY ? null
                : directory.idsMatching(filter.user());
        JobSearch search = filter.toSearch(userIds, clock, errors);
        ModelAndView page = new ModelAndView("admin/jobs", errors.isEmpty() ? HttpStatus.OK : HttpStatus.BAD_REQUEST);
        page.addObject("errors", errors);
        page.addObject("states", JobStatus.values());
        page.addObject("models", catalog.all());
        if (search != null) {
            JobAdministration.JobPage found = jobs.search(search);
            Set<Long> users = new HashSet<>();
            found.jobs().forEach(job -> users.add(job.userId()));
            page.addObject("found", found);
            page.addObject("emails", accounts.emails(users));
            page.addObject("newer", found.page() > 0 ? filter.pageLink(found.page() - 1) : null);
            page.addObject("older", found.hasNext() ? filter.pageLink(found.page() + 1) : null);
        }
        List<Training> recentTrainings = trainings.recent(TRAININGS_LISTED);
        page.addObject("trainings", recentTrainings);
        page.addObject("trainingEmails", accounts.emails(recentTrainings.stream().map(Training::userId).toList()));
        return page;
    }

    @GetMapping("/{id}")
    String job(@PathVariable String id, Model model) {
        return show(jobId(id), model, Map.of());
    }

    @PostMapping("/{id}/cancel")
    ModelAndView cancel(@AuthenticationPrincipal SignedInUser admin, @PathVariable String id,
                        @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect, Model model) {
        UUID jobId = jobId(id);
        return act(jobId, model, redirect, Map.of("cancelReason", reason), "cancel", () -> {
            redirect.addFlashAttribute("notice", actions.cancel(admin, jobId, reason));
            return jobId;
        });
    }

    @PostMapping("/{id}/rerun")
    ModelAndView rerun(@AuthenticationPrincipal SignedInUser admin, @PathVariable String id,
                       @RequestParam(defaultValue = "") String reason, @RequestParam(defaultValue = "") String key,
                       RedirectAttributes redirect, Model model) {
        UUID jobId = jobId(id);
        return act(jobId, model, redirect, Map.of("rerunReason", reason), "rerun", () -> {
            JobActions.Rerun rerun = actions.rerunFree(admin, jobId, reason, key);
            redirect.addFlashAttribute("notice", rerun.made()
                    ? "Running the job again free of charge as this new job; the admin grant paid its price."
                    : "This re-run was already made (this is its job); nothing more was granted or queued.");
            return rerun.jobId();
        });
    }

    @PostMapping("/{id}/offer")
    ModelAndView offer(@AuthenticationPrincipal SignedInUser admin, @PathVariable String id,
                       @RequestParam(defaultValue = "") String reason, @RequestParam(defaultValue = "") String key,
                       RedirectAttributes redirect, Model model) {
        UUID jobId = jobId(id);
        return act(jobId, model, redirect, Map.of("offerReason", reason), "offer", () -> {
            redirect.addFlashAttribute("notice", offers.offer(admin, jobId, reason, key));
            return jobId;
        });
    }

    /** Runs an action: 303 to the job it names, or this job's page again with its errors (prefixed with {@code form}) and 422. */
    private ModelAndView act(UUID jobId, Model model, RedirectAttributes redirect, Map<String, String> typed, String form,
                             Supplier<UUID> action) {
        try {
            ModelAndView done = new ModelAndView("redirect:/admin/jobs/" + action.get());
            done.setStatus(HttpStatus.SEE_OTHER);
            return done;
        } catch (NoSuchElementException e) {
            throw new PageNotFoundException("No job " + jobId);
        } catch (InvalidInputException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            e.fieldErrors().forEach((field, message) -> errors.put(form + "." + field, message));
            model.addAllAttributes(typed);
            ModelAndView page = new ModelAndView(show(jobId, model, errors));
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        }
    }

    private String show(UUID jobId, Model model, Map<String, String> errors) {
        JobAdministration.JobDetail detail = jobs.detail(jobId)
                .orElseThrow(() -> new PageNotFoundException("No job " + jobId));
        model.addAttribute("detail", detail);
        model.addAttribute("job", detail.job());
        model.addAttribute("owner", directory.find(detail.job().userId()).orElse(null));
        model.addAttribute("entries", statements.entriesOfJob(jobId, List.of(JobActions.RERUN_GRANT + jobId)));
        model.addAttribute("errors", errors);
        model.addAttribute("rerunKey", UUID.randomUUID().toString());
        model.addAttribute("offerKey", UUID.randomUUID().toString());
        return "admin/job";
    }

    /** A job id as the address gives it; anything but a UUID in its usual form is the 404 page. */
    private static UUID jobId(String text) {
        if (text.length() == 36) {
            try {
                return UUID.fromString(text);
            } catch (IllegalArgumentException e) {
                // the 404 below
            }
        }
        throw new PageNotFoundException("No job " + text);
    }
}
