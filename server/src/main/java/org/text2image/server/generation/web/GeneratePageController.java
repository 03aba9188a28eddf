package org.text2image.server.generation.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.ModelMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.text2image.server.account.EmailVerifications;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.catalog.Model;
import org.text2image.server.credits.InsufficientCreditsException;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.InvalidGenerationRequestException;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.PlanAllowance;
import org.text2image.server.generation.TooManyQueuedJobsException;
import org.text2image.server.generation.Viewer;
import org.text2image.server.support.PageNotFoundException;

/**
 * The Generate page: {@code GET /generate} (optionally {@code ?from={jobId}} to re-use a job's
 * settings, or {@code ?model=<model id or lora:<id>>} to preselect a model or one of the user's
 * LoRAs), {@code POST /generate} (submit; on success redirect to the job page), and two htmx
 * fragments: {@code /generate/quote} (cost line and size hints) and {@code /generate/advanced}
 * (a model's advanced defaults when the model changes, only the fields its workflow uses and the
 * user's plan may set). The form offers what the user's plan allows ({@code PlanAllowance}); the
 * server checks the same rules again ({@code GenerationValidator}).
 */
@Controller
@RequestMapping("/generate")
class GeneratePageController {

    private final GenerationService generation;
    private final GeneratePageModel pageModel;
    private final EmailVerifications verifications;

    GeneratePageController(GenerationService generation, GeneratePageModel pageModel, EmailVerifications verifications) {
        this.generation = generation;
        this.pageModel = pageModel;
        this.verifications = verifications;
    }

    @GetMapping
    String form(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String from,
                @RequestParam(name = "model", required = false) String preselected, ModelMap model) {
        GenerateForm form = from == null
                ? preselected(user, preselected)
                : pageModel.reusing(user, ownJob(user, from).parameters());
        pageModel.fill(model, user, form, Map.of());
        model.addAttribute("verificationPending", verifications.pending(user));
        return "generation/generate";
    }

    @PostMapping
    ModelAndView submit(@AuthenticationPrincipal SignedInUser user, @ModelAttribute("form") GenerateForm form) {
        if (verifications.pending(user)) {
            return page(user, form, Map.of(), HttpStatus.FORBIDDEN,
                    "Confirm your email address first: nothing was submitted or charged.", false);
        }
        Map<String, String> errors = new LinkedHashMap<>();
        GenerationRequest request = form.toRequest(errors);
        if (!errors.isEmpty()) {
            // Also report what else is wrong, so the user fixes everything in one go.
            try {
                generation.quote(user.id(), request);
            } catch (InvalidGenerationRequestException e) {
                e.fieldErrors().forEach(errors::putIfAbsent);
            }
            return page(user, form, GenerateForm.formErrors(errors), HttpStatus.UNPROCESSABLE_CONTENT, null, false);
        }
        try {
            return new ModelAndView("redirect:/jobs/" + generation.enqueue(user.id(), request));
        } catch (InvalidGenerationRequestException e) {
            return page(user, form, GenerateForm.formErrors(e.fieldErrors()), HttpStatus.UNPROCESSABLE_CONTENT, null, false);
        } catch (InsufficientCreditsException e) {
            return page(user, form, Map.of(), HttpStatus.PAYMENT_REQUIRED, e.getMessage(), true);
        } catch (TooManyQueuedJobsException e) {
            return page(user, form, Map.of(), HttpStatus.TOO_MANY_REQUESTS, e.getMessage(), false);
        }
    }

    @GetMapping("/quote")
    String quote(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String modelId,
                 @RequestParam(required = false) String batchSize, @RequestParam(required = false) String width,
                 @RequestParam(required = false) String height, @RequestParam(required = false) String frames,
                 ModelMap model) {
        pageModel.fillLive(model, user, modelId, batchSize, width, height, frames);
        return "generation/generate :: live";
    }

    /**
     * The model's advanced fields with its defaults, and (out of band) the negative prompt field,
     * the size fields (the model's default size; one video per job for a video model) and the video
     * fields (length, rate, size presets, input image): only the parameters its workflow template
     * uses. The typed seed and negative prompt are kept.
     */
    @GetMapping("/advanced")
    String advanced(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String modelId,
                    @RequestParam(required = false) String seed, @RequestParam(required = false) String negativePrompt,
                    ModelMap model) {
        Model selected = pageModel.selectedModel(user, modelId);
        model.addAttribute("selectedModel", selected);
        GeneratePageModel.LoraChoice lora = pageModel.selectedLora(user, modelId).orElse(null);
        model.addAttribute("selectedLora", lora);
        PlanAllowance allowance = pageModel.fillAllowance(model, user);
        GenerateForm form = GenerateForm.defaults(selected, allowance.plan().video()).keeping(seed, negativePrompt);
        if (lora != null) {
            form = form.choosing(lora.value(), "1");
        }
        model.addAttribute("form", form);
        model.addAttribute("errors", Map.of());
        pageModel.fillModelFields(model, user, selected, allowance);
        pageModel.fillLive(model, user, form.modelId(), form.batchSize(), form.width(), form.height(), form.frames());
        return "generation/generate :: modelFields";
    }

    /**
     * A fresh form for {@code ?model=}: one of the user's LoRAs (strength 1), or an enabled model;
     * anything else (another user's LoRA, an unknown id) is the default model.
     */
    private GenerateForm preselected(SignedInUser user, String value) {
        if (value == null || value.isBlank()) {
            return pageModel.defaults(user, pageModel.selectedModel(null));
        }
        return pageModel.selectedLora(user, value)
                .map(lora -> pageModel.defaults(user, pageModel.selectedModel(lora.baseModelId())).choosing(lora.value(), "1"))
                .orElseGet(() -> pageModel.defaults(user, pageModel.selectedModel(value.strip())));
    }

    private ModelAndView page(SignedInUser user, GenerateForm form, Map<String, String> errors, HttpStatus status,
                              String problem, boolean buyCredits) {
        ModelAndView page = new ModelAndView("generation/generate", status);
        pageModel.fill(page.getModelMap(), user, form, errors);
        page.addObject("problem", problem);
        page.addObject("buyCredits", buyCredits);
        page.addObject("verificationPending", verifications.pending(user));
        return page;
    }

    private JobView ownJob(SignedInUser user, String jobId) {
        return UrlIds.parse(jobId).flatMap(id -> generation.find(id, new Viewer(user.id(), false)))
                .orElseThrow(() -> new PageNotFoundException("No job " + jobId + " of user " + user.id()));
    }
}
