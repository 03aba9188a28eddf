package org.text2image.server.admin;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.catalog.InvalidModelCatalogException;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.catalog.ModelCatalogReloads;
import org.text2image.server.generation.JobAdministration;
import org.text2image.server.generation.ModelFigures;
import org.text2image.server.workers.WorkerFleet;

/**
 * {@code /admin/models}: what the models file holds (every model, enabled or not, with its
 * checkpoint, cost and workflow template), which online workers can run each, and each model's jobs,
 * failure rate and median run time over the last {@value #DAYS} days (models no longer in the file
 * that still have jobs are listed too); {@code ?q=} filters by id or name. "Reload models"
 * ({@link ModelReloads}) answers with 303 and a notice, or with the page again (422) and the reason
 * the file was refused.
 */
@Controller
@RequestMapping("/admin/models")
class ModelsPageController {

    static final int DAYS = 7;
    private static final int MAX_QUERY = 100;

    private final ModelCatalog catalog;
    private final ModelCatalogReloads reloads;
    private final ModelReloads modelReloads;
    private final JobAdministration jobs;
    private final WorkerFleet fleet;
    private final Clock clock;

    ModelsPageController(ModelCatalog catalog, ModelCatalogReloads reloads, ModelReloads modelReloads,
                         JobAdministration jobs, WorkerFleet fleet, Clock clock) {
        this.catalog = catalog;
        this.reloads = reloads;
        this.modelReloads = modelReloads;
        this.jobs = jobs;
        this.fleet = fleet;
        this.clock = clock;
    }

    /**
     * One model as the page shows it; {@code model} is null for a model no longer in the file.
     *
     * @param workers the online workers that can run it
     * @param figures its jobs over the last {@value #DAYS} days, or null without any
     * @param jobsLink the job search for its jobs of those days
     * @param workflow its workflow template's file, relative to the models file's folder ("—" without a model)
     */
    record Row(String id, Model model, List<String> workers, ModelFigures figures, String jobsLink, String workflow) {

        /** "12.5 %" or "—". */
        public String failureRate() {
            return figures == null || figures.failureRate() == null ? "—"
                    : String.format(Locale.ROOT, "%.1f %%", figures.failureRate() * 100);
        }

        /** "8.4 s" or "—". */
        public String medianRunTime() {
            return figures == null || figures.medianRunSeconds() == null ? "—"
                    : String.format(Locale.ROOT, "%.1f s", figures.medianRunSeconds());
        }
    }

    @GetMapping
    ModelAndView page(@RequestParam(defaultValue = "") String q) {
        return show(q, null, HttpStatus.OK);
    }

    @PostMapping("/reload")
    ModelAndView reload(@AuthenticationPrincipal SignedInUser admin, RedirectAttributes redirect) {
        try {
            redirect.addFlashAttribute("notice", modelReloads.reload(admin));
            ModelAndView done = new ModelAndView("redirect:/admin/models");
            done.setStatus(HttpStatus.SEE_OTHER);
            return done;
        } catch (InvalidModelCatalogException e) {
            return show("", e.getMessage(), HttpStatus.UNPROCESSABLE_CONTENT);
        }
    }

    private ModelAndView show(String query, String reloadError, HttpStatus status) {
        String q = query.strip();
        q = q.length() > MAX_QUERY ? q.substring(0, MAX_QUERY) : q;
        LocalDate today = AdminDays.today(clock);
        LocalDate first = today.minusDays(DAYS - 1);
        Map<String, ModelFigures> figures = jobs.modelFigures(AdminDays.start(first, clock)).stream()
                .collect(Collectors.toMap(ModelFigures::modelId, Function.identity()));
        List<WorkerFleet.Capability> online = fleet.online();
        List<Row> rows = new ArrayList<>();
        for (Model model : catalog.all()) {
            rows.add(new Row(model.id(), model, online.stream().filter(worker -> worker.canRun(model.checkpoint()))
                    .map(WorkerFleet.Capability::name).toList(), figures.get(model.id()), link(model.id(), first, today),
                    relative(model.workflow().source())));
        }
        figures.keySet().stream().filter(id -> catalog.find(id).isEmpty()).sorted()
                .forEach(id -> rows.add(new Row(id, null, List.of(), figures.get(id), link(id, first, today), "—")));
        String needle = q.toLowerCase(Locale.ROOT);
        ModelAndView page = new ModelAndView("admin/models", status);
        page.addObject("rows", rows.stream().filter(row -> needle.isEmpty() || row.id().contains(needle)
                || row.model() != null && row.model().name().toLowerCase(Locale.ROOT).contains(needle)).toList());
        page.addObject("q", q);
        page.addObject("modelsFile", shown(reloads.modelsFile()));
        page.addObject("onlineWorkers", online.size());
        page.addObject("since", first);
        page.addObject("reloadError", reloadError);
        return page;
    }

    /** The models file as the page names it: relative to the server's working folder when it is inside it. */
    static String shown(java.nio.file.Path file) {
        java.nio.file.Path here = java.nio.file.Path.of("").toAbsolutePath();
        return file.startsWith(here) ? here.relativize(file).toString() : file.toString();
    }

    /** A template's path relative to the models file's folder, as the file names it. */
    private String relative(String source) {
        try {
            return reloads.modelsFile().getParent().relativize(java.nio.file.Path.of(source).toAbsolutePath().normalize())
                    .toString();
        } catch (IllegalArgumentException e) {
            return source;
        }
    }

    private static String link(String modelId, LocalDate from, LocalDate to) {
        return AdminLinks.of("/admin/jobs", "model", modelId, "from", from.toString(), "to", to.toString());
    }
}
