package org.text2image.server.training;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * A training leased to a worker by {@link TrainingQueue#claim}: what the claim's answer carries.
 *
 * @param id the training's id (the claim's job id)
 * @param attempt the fencing token
 * @param workflow the rendered training graph
 * @param promptId {@code <id>-<attempt>}
 * @param leaseTimeout how long the lease lasts without a heartbeat
 * @param attemptTimeout how long the attempt may run
 * @param datasetFolder the folder under ComfyUI's {@code input/} the graph reads
 * @param loraPrefix the SaveLoRA prefix (without {@code loras/})
 * @param steps the training steps the graph was rendered with
 * @param images the dataset's images, 5–30, in upload order
 */
public record LeasedTraining(UUID id, int attempt, ObjectNode workflow, String promptId, Duration leaseTimeout,
                             Duration attemptTimeout, String datasetFolder, String loraPrefix, int steps,
                             List<Image> images) {

    /**
     * One dataset image as the worker uploads it.
     *
     * @param id the image's id, for the download path
     * @param name {@code img01.png}, {@code img02.jpg}, {@code img03.webp} … by content type
     * @param contentType {@code image/png}, {@code image/jpeg} or {@code image/webp}
     * @param caption its caption, empty for none
     */
    public record Image(UUID id, String name, String contentType, String caption) {
    }
}
