package org.text2image.server.training.web;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.training.LoraModels;
import org.text2image.server.training.LoraTrainings;
import org.text2image.server.training.Training;
import org.text2image.server.training.TrainingStatus;
import org.text2image.server.training.TrainingWorkers;

/**
 * A training's page ({@code /my-models/trainings/{id}}: status, step n / N with a progress bar and
 * the time left, Cancel, the error or the LoRA), its JSON status for the page's poll
 * ({@code /status}), and the LoRA actions of My models (download, delete). Every URL answers 404 to
 * anyone but the owner, the same as for an unknown id; an admin may look at a training (not
 * cancel it, download or delete a LoRA). Posts redirect (POST-redirect-GET).
 */
@Controller
class TrainingPagesController {

    private final LoraTrainings trainings;
    private final LoraModels loras;
    private final TrainingWorkers workers;
    private final Clock clock;

    TrainingPagesController(LoraTrainings trainings, LoraModels loras, TrainingWorkers workers, Clock clock) {
        this.trainings = trainings;
        this.loras = loras;
        this.workers = workers;
        this.clock = clock;
    }

    @GetMapping("/my-models/trainings/{id}")
    String training(@AuthenticationPrincipal SignedInUser user, @PathVariable String id, Model model) {
        Training training = visible(user, id);
        model.addAttribute("training", training);
        model.addAttribute("owner", training.userId() == user.id());
        model.addAttribute("timeLeft", training.timeLeft(clock).map(TrainingPagesController::duration).orElse(null));
        model.addAttribute("noTrainingWorker", training.status() == TrainingStatus.QUEUED
                && !workers.canTrainNow(training.checkpoint()));
        return "training/training";
    }

    /**
     * The training's progress as JSON, for the page's poll: {@code status}, {@code step},
     * {@code total}, {@code percent}, {@code timeLeft} (text or null), {@code active}.
     */
    @GetMapping(path = "/my-models/trainings/{id}/status", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> status(@AuthenticationPrincipal SignedInUser user, @PathVariable String id) {
        Training training = visible(user, id);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status", training.status().name());
        status.put("step", training.progressStep());
        status.put("total", training.totalSteps());
        status.put("percent", training.percent());
        status.put("timeLeft", training.timeLeft(clock).map(TrainingPagesController::duration).orElse(null));
        status.put("active", training.active());
        return status;
    }

    @PostMapping("/my-models/trainings/{id}/cancel")
    String cancel(@AuthenticationPrincipal SignedInUser user, @PathVariable String id) {
        UUID training = MyModelsController.uuid(id).orElseThrow(() -> MyModelsController.trainingNotFound(user, id));
        if (!trainings.cancel(training, user.id())) {
            throw MyModelsController.trainingNotFound(user, id);
        }
        return "redirect:/my-models/trainings/" + training;
    }

    @GetMapping("/my-models/loras/{id}/download")
    ResponseEntity<Resource> download(@AuthenticationPrincipal SignedInUser user, @PathVariable String id) {
        LoraModels.Stored stored = MyModelsController.uuid(id).flatMap(loras::stored)
                .filter(found -> found.lora().userId() == user.id())
                .orElseThrow(() -> MyModelsController.trainingNotFound(user, id));
        String name = stored.lora().triggerWord() + ".safetensors";
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store")
                .header("X-Content-Type-Options", "nosniff")
                .body(stored.file());
    }

    @PostMapping("/my-models/loras/{id}/delete")
    String delete(@AuthenticationPrincipal SignedInUser user, @PathVariable String id) {
        UUID lora = MyModelsController.uuid(id).orElseThrow(() -> MyModelsController.trainingNotFound(user, id));
        if (!loras.delete(lora, user.id())) {
            throw MyModelsController.trainingNotFound(user, id);
        }
        return "redirect:/my-models";
    }

    private Training visible(SignedInUser user, String id) {
        return MyModelsController.uuid(id).flatMap(uuid -> trainings.training(uuid, user.id(), user.admin()))
                .orElseThrow(() -> MyModelsController.trainingNotFound(user, id));
    }

    /** "about 1 h 5 min", "about 4 min", "under a minute". */
    static String duration(Duration left) {
        long minutes = (left.toSeconds() + 59) / 60;
        if (left.toSeconds() < 60) {
            return "under a minute";
        }
        return minutes >= 60 ? "about " + minutes / 60 + " h " + minutes % 60 + " min" : "about " + minutes + " min";
    }

}
