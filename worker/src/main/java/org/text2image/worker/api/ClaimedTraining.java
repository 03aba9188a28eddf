package org.text2image.worker.api;

import java.util.List;
import java.util.Objects;

/**
 * The training part of a {@link ClaimedJob} whose kind is a LoRA training. The claim's
 * {@code workflow} is then the rendered training graph ({@code LoadImageTextDataSetFromFolder} →
 * {@code MakeTrainingDataset} → {@code TrainLoraNode} → {@code SaveLoRA}); the worker uploads the
 * dataset into ComfyUI's {@code input/<datasetFolder>} ({@code POST /upload/image}, captions as
 * {@code <image stem>.txt}), posts the graph, reports training steps in its heartbeats
 * ({@code POST /trainings/{id}/heartbeat}), downloads the file SaveLoRA wrote
 * ({@code output/loras/<loraPrefix>_<steps>_steps_00001_.safetensors}) and uploads it with
 * {@code POST /trainings/{id}/complete}. The job id of the claim is the training's id, and every
 * call about it uses the {@code /trainings/} paths of {@link WorkerApi}.
 *
 * @param datasetFolder the folder under ComfyUI's {@code input/} the rendered graph reads
 *     ({@code text2image-train-<training id>-<attempt>}, fresh per attempt)
 * @param loraPrefix the SaveLoRA prefix the graph was rendered with (without {@code loras/})
 * @param steps the training steps the graph was rendered with ({@code TrainLoraNode.steps})
 * @param images the dataset's images, 5 to 30, each fetched with
 *     {@code GET /trainings/{id}/images/{imageId}?attempt=N}
 */
public record ClaimedTraining(String datasetFolder, String loraPrefix, int steps, List<Image> images) {

    public ClaimedTraining {
        Objects.requireNonNull(datasetFolder, "datasetFolder");
        Objects.requireNonNull(loraPrefix, "loraPrefix");
        images = images == null ? List.of() : List.copyOf(images);
    }

    /**
     * One dataset image.
     *
     * @param id the image's id, for the download path
     * @param name the file name to upload it under ({@code img<nn>.png}, {@code .jpg} or {@code .webp}),
     *     unique within the training
     * @param contentType {@code image/png}, {@code image/jpeg} or {@code image/webp}
     * @param caption its caption, uploaded beside it as {@code <stem>.txt}; empty for none
     */
    public record Image(java.util.UUID id, String name, String contentType, String caption) {
    }
}
