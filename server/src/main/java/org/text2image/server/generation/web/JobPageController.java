package org.text2image.server.generation.web;

import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.ModelMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobNotCancellableException;
import org.text2image.server.generation.JobNotFoundException;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import org.text2image.server.support.PageNotFoundException;
import org.text2image.server.training.LoraModel;
import org.text2image.server.training.LoraModels;

/**
 * The job page {@code /jobs/{id}}, its status fragment {@code /jobs/{id}/status} (polled by htmx
 * every 3 s until the job is final) and {@code POST /jobs/{id}/cancel}. The owner and admins see
 * a job; anyone else gets the same 404 as for an unknown id.
 */
@Controller
@RequestMapping("/jobs/{id}")
class JobPageController {

    private final GenerationService generation;
    private final ModelCatalog catalog;
    private final LoraModels loras;

    JobPageController(GenerationService generation, ModelCatalog catalog, LoraModels loras) {
        this.generation = generation;
        this.catalog = catalog;
        this.loras = loras;
    }

    @GetMapping
    String page(@AuthenticationPrincipal SignedInUser user, @PathVariable String id, ModelMap model) {
        fill(model, user, visibleJob(user, id), false);
        return "generation/job";
    }

    @GetMapping("/status")
    String status(@AuthenticationPrincipal SignedInUser user, @PathVariable String id, ModelMap model) {
        fill(model, user, visibleJob(user, id), true);
        return "generation/job-status :: response";
    }

    @PostMapping("/cancel")
    String cancel(@AuthenticationPrincipal SignedInUser user, @PathVariable String id, RedirectAttributes redirect) {
        UUID jobId = UrlIds.parse(id).orElseThrow(() -> notFound(user, id));
        try {
            generation.cancel(jobId, user.id());
            redirect.addFlashAttribute("notice", "Job cancelled — no credits were deducted.");
        } catch (JobNotFoundException e) {
            throw notFound(user, id);
        } catch (JobNotCancellableException e) {
            redirect.addFlashAttribute("alert", e.getMessage());
        }
        return "redirect:/jobs/" + jobId;
    }

    private void fill(ModelMap model, SignedInUser user, JobView job, boolean fragment) {
        model.addAttribute("job", job);
        model.addAttribute("owner", job.userId() == user.id());
        // Which parameters the page shows: those the model's workflow uses (all, when the model is gone).
        model.addAttribute("jobModel", catalog.find(job.parameters().modelId()).orElse(null));
        model.addAttribute("fragment", fragment);
        if (!fragment && job.parameters().hasLora()) {
            // "<name> × <strength>" on the settings list; the name is gone with a deleted LoRA.
            model.addAttribute("jobLora", loras.find(job.parameters().lora().id()).map(LoraModel::name)
                    .orElse("a deleted custom model") + " × " + GenerateForm.decimal(job.parameters().lora().strength()));
        }
        if (job.status() == JobStatus.QUEUED) {
            model.addAttribute("generator", generation.generatorStatus());
        }
    }

    private JobView visibleJob(SignedInUser user, String id) {
        return UrlIds.parse(id).flatMap(jobId -> generation.find(jobId, new Viewer(user.id(), user.admin())))
                .orElseThrow(() -> notFound(user, id));
    }

    private static PageNotFoundException notFound(SignedInUser user, String id) {
        return new PageNotFoundException("Job " + id + " is unknown or not visible to user " + user.id());
    }
}
