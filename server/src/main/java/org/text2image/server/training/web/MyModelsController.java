package org.text2image.server.training.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.support.PageNotFoundException;
import org.text2image.server.training.Dataset;
import org.text2image.server.training.DatasetImageCheck;
import org.text2image.server.training.DatasetInputException;
import org.text2image.server.training.LoraDatasets;
import org.text2image.server.training.LoraModels;
import org.text2image.server.training.LoraTrainings;
import org.text2image.server.training.TrainingNotFoundException;
import org.text2image.server.training.TrainingRefusedException;

/**
 * The My models pages (docs/TRAINING.md, "Datasets"): {@code GET /my-models} lists the user's
 * datasets with the New dataset form; {@code /my-models/datasets/{id}} is one dataset with its
 * upload form (multipart field {@code images}, at most {@value #MAX_FILES_PER_REQUEST} files, so a
 * request stays under the 100 MB multipart bound), captions and the delete buttons;
 * {@code /my-models/datasets/{id}/images/{image}} serves an image's bytes; {@code POST
 * /my-models/datasets/{id}/train} submits a training (the training and LoRA pages are
 * {@link TrainingPagesController}). The New dataset and Add images forms carry one-time keys kept by
 * PostgreSQL ({@link LoraDatasets#create(long, String, String, String)},
 * {@link LoraDatasets#addImages(UUID, long, List, String)}), the Train form a submit key kept by the
 * training row. Each URL of a dataset
 * answers the 404 page to anyone but its owner (an admin may only look). A post that succeeds
 * redirects (POST-redirect-GET); bad input shows the page again (422) with the message beside the
 * field and stores nothing.
 */
@Controller
class MyModelsController {

    /** Most files one upload may carry (10 × 10 MB stays under the 100 MB multipart bound). */
    static final int MAX_FILES_PER_REQUEST = 10;

    private final LoraDatasets datasets;
    private final LoraTrainings trainings;
    private final LoraModels loras;

    MyModelsController(LoraDatasets datasets, LoraTrainings trainings, LoraModels loras) {
        this.datasets = datasets;
        this.trainings = trainings;
        this.loras = loras;
    }

    @GetMapping("/my-models")
    String list(@AuthenticationPrincipal SignedInUser user, Model model) {
        return listPage(user, model, "", "", Map.of());
    }

    @PostMapping("/my-models/datasets")
    String create(@AuthenticationPrincipal SignedInUser user, @RequestParam(defaultValue = "") String name,
                  @RequestParam(defaultValue = "") String triggerWord, @RequestParam(defaultValue = "") String formKey,
                  Model model, HttpServletResponse response) {
        try {
            UUID id = datasets.create(user.id(), name, triggerWord, formKey);
            return "redirect:/my-models/datasets/" + id;
        } catch (DatasetInputException e) {
            response.setStatus(422);
            return listPage(user, model, name, triggerWord, Map.of(e.field(), e.getMessage()));
        }
    }

    @GetMapping("/my-models/datasets/{id}")
    String dataset(@AuthenticationPrincipal SignedInUser user, @PathVariable String id, Model model) {
        return datasetPage(user, visible(user, id), model, Map.of());
    }

    @PostMapping("/my-models/datasets/{id}/images")
    String upload(@AuthenticationPrincipal SignedInUser user, @PathVariable String id,
                  @RequestParam(name = "images", required = false) List<MultipartFile> files,
                  @RequestParam(defaultValue = "") String formKey, Model model, HttpServletResponse response) {
        Dataset dataset = owned(user, id);
        try {
            List<MultipartFile> chosen = files == null ? List.of()
                    : files.stream().filter(file -> !file.isEmpty() || !name(file).isEmpty()).toList();
            if (chosen.size() > MAX_FILES_PER_REQUEST) {
                throw new DatasetInputException("images",
                        "Upload at most " + MAX_FILES_PER_REQUEST + " images at a time; you chose " + chosen.size() + ".");
            }
            List<LoraDatasets.Upload> uploads = new ArrayList<>();
            for (MultipartFile file : chosen) {
                DatasetImageCheck.checkSize(name(file), file.getSize()); // before reading the bytes
                uploads.add(new LoraDatasets.Upload(name(file), bytes(file)));
            }
            if (!datasets.addImages(dataset.id(), user.id(), uploads, formKey)) {
                throw notFound(user, id);
            }
            return "redirect:/my-models/datasets/" + dataset.id();
        } catch (DatasetInputException e) {
            response.setStatus(422);
            return datasetPage(user, dataset, model, Map.of(e.field(), e.getMessage()));
        }
    }

    /**
     * Submits a training of the dataset ({@link LoraTrainings#submit}); a replayed {@code submitKey}
     * leads to the training it made. A refusal shows the dataset page again (422) with the message
     * beside the Train form; another user's dataset is 404.
     */
    @PostMapping("/my-models/datasets/{id}/train")
    String train(@AuthenticationPrincipal SignedInUser user, @PathVariable String id,
                 @RequestParam(defaultValue = "") String submitKey, Model model, HttpServletResponse response) {
        Dataset dataset = owned(user, id);
        try {
            UUID training = trainings.submit(user.id(), dataset.id(), submitKey);
            return "redirect:/my-models/trainings/" + training;
        } catch (TrainingNotFoundException e) {
            throw notFound(user, id);
        } catch (TrainingRefusedException e) {
            response.setStatus(422);
            return datasetPage(user, dataset, model, Map.of("train", e.getMessage()));
        }
    }

    @PostMapping("/my-models/datasets/{id}/images/{imageId}/caption")
    String caption(@AuthenticationPrincipal SignedInUser user, @PathVariable String id, @PathVariable String imageId,
                   @RequestParam(defaultValue = "") String caption, Model model, HttpServletResponse response) {
        Dataset dataset = owned(user, id);
        UUID image = uuid(imageId).orElseThrow(() -> notFound(user, id));
        try {
            if (!datasets.caption(dataset.id(), image, user.id(), caption)) {
                throw notFound(user, id + "/" + imageId);
            }
            return "redirect:/my-models/datasets/" + dataset.id() + "#image-" + image;
        } catch (DatasetInputException e) {
            response.setStatus(422);
            return datasetPage(user, dataset, model, Map.of(e.field() + "-" + image, e.getMessage()));
        }
    }

    @PostMapping("/my-models/datasets/{id}/images/{imageId}/remove")
    String remove(@AuthenticationPrincipal SignedInUser user, @PathVariable String id, @PathVariable String imageId) {
        Dataset dataset = owned(user, id);
        UUID image = uuid(imageId).orElseThrow(() -> notFound(user, id));
        if (!datasets.removeImage(dataset.id(), image, user.id())) {
            throw notFound(user, id);
        }
        return "redirect:/my-models/datasets/" + dataset.id();
    }

    @PostMapping("/my-models/datasets/{id}/delete")
    String delete(@AuthenticationPrincipal SignedInUser user, @PathVariable String id) {
        Dataset dataset = owned(user, id);
        if (!datasets.delete(dataset.id(), user.id())) {
            throw notFound(user, id);
        }
        return "redirect:/my-models";
    }

    @GetMapping("/my-models/datasets/{id}/images/{imageId}")
    ResponseEntity<Resource> image(@AuthenticationPrincipal SignedInUser user, @PathVariable String id,
                                   @PathVariable String imageId) {
        LoraDatasets.ImageFile file = uuid(id).flatMap(dataset -> uuid(imageId)
                        .flatMap(image -> datasets.imageFile(dataset, image, user.id(), user.admin())))
                .orElseThrow(() -> notFound(user, id + "/" + imageId));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(file.image().contentType()))
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store")
                .header("X-Content-Type-Options", "nosniff")
                .body(file.resource());
    }

    private String listPage(SignedInUser user, Model model, String name, String triggerWord, Map<String, String> errors) {
        model.addAttribute("datasets", datasets.datasets(user.id()));
        model.addAttribute("allowance", datasets.allowance(user.id()));
        model.addAttribute("name", name);
        model.addAttribute("triggerWord", triggerWord);
        model.addAttribute("errors", errors);
        model.addAttribute("maxImages", LoraDatasets.MAX_IMAGES);
        model.addAttribute("trainingAllowance", trainings.allowance(user.id()));
        model.addAttribute("trainings", trainings.trainings(user.id()));
        model.addAttribute("loras", loras.loras(user.id()));
        model.addAttribute("formKey", UUID.randomUUID().toString());
        return "training/my-models";
    }

    private String datasetPage(SignedInUser user, Dataset dataset, Model model, Map<String, String> errors) {
        model.addAttribute("dataset", dataset);
        model.addAttribute("images", datasets.images(dataset.id(), user.id(), user.admin()));
        model.addAttribute("owner", dataset.userId() == user.id());
        model.addAttribute("errors", new LinkedHashMap<>(errors));
        model.addAttribute("minImages", LoraDatasets.MIN_IMAGES);
        model.addAttribute("maxImages", LoraDatasets.MAX_IMAGES);
        model.addAttribute("maxCaption", LoraDatasets.MAX_CAPTION);
        model.addAttribute("maxFiles", MAX_FILES_PER_REQUEST);
        model.addAttribute("formKey", UUID.randomUUID().toString());
        model.addAttribute("submitKey", UUID.randomUUID().toString());
        model.addAttribute("trainingAllowance", trainings.allowance(dataset.userId()));
        model.addAttribute("trainBlocked", dataset.enoughImages()
                ? trainings.unavailable(dataset.userId()).orElse(null)
                : "Add at least " + LoraDatasets.MIN_IMAGES + " images to train.");
        return "training/dataset";
    }

    private Dataset visible(SignedInUser user, String id) {
        return uuid(id).flatMap(uuid -> datasets.dataset(uuid, user.id(), user.admin()))
                .orElseThrow(() -> notFound(user, id));
    }

    static PageNotFoundException trainingNotFound(SignedInUser user, String what) {
        return new PageNotFoundException("LoRA training or model " + what + " is unknown or not user " + user.id() + "'s");
    }

    private Dataset owned(SignedInUser user, String id) {
        return uuid(id).flatMap(uuid -> datasets.dataset(uuid, user.id(), false))
                .orElseThrow(() -> notFound(user, id));
    }

    private static PageNotFoundException notFound(SignedInUser user, String what) {
        return new PageNotFoundException("LoRA dataset " + what + " is unknown or not user " + user.id() + "'s");
    }

    static Optional<UUID> uuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The uploaded file's name without folders, at most 80 characters (only for messages). */
    private static String name(MultipartFile file) {
        String original = file.getOriginalFilename() == null ? "" : file.getOriginalFilename();
        String base = original.substring(Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\')) + 1).strip();
        return base.length() > 80 ? base.substring(0, 80) + "…" : base;
    }

    private static byte[] bytes(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
