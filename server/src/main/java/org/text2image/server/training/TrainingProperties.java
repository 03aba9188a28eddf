package org.text2image.server.training;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code text2image.training.*}: the settings every LoRA training is made with (docs/TRAINING.md,
 * "Server settings"). Out-of-range values stop the server at start-up with a message naming the
 * setting; whether the base model and the template fit the catalog is checked by
 * {@link TrainingSetup}.
 *
 * @param baseModel the catalog model ({@code config/models.json} id) whose checkpoint is trained
 *     on (default {@code sd15}); it must be an image model
 * @param workflow the training template (default {@code workflows/train-lora-sd15.json}), relative
 *     to the models file's folder like the models' own templates
 * @param steps training steps ({@code TrainLoraNode.steps}, default 600; 1–100,000)
 * @param rank LoRA rank (default 16; 1–256)
 * @param learningRate learning rate (default 0.0005; above 0 and below 1)
 * @param resolution square training size in pixels (default 512; 256–2048)
 * @param attemptTimeout how long one attempt may run (default 2 h)
 * @param minVramBytes VRAM a worker's GPU must have to be given trainings (default 8 GiB)
 * @param maxLoraBytes largest LoRA file a worker may upload (default 512 MB)
 * @param leaseTimeout how long a worker keeps a training without a heartbeat (default 60 s)
 * @param claimConfirmTimeout a fresh claim's provisional lease (default 15 s; at most {@code leaseTimeout})
 * @param maxHandbacks hand-backs of one training before a further one counts as a failed attempt (default 10)
 * @param reaperInterval how often expired leases and passed deadlines are collected (default: as
 *     {@code text2image.generation.reaper-interval}, 5 s)
 */
@ConfigurationProperties("text2image.training")
public record TrainingProperties(String baseModel, Path workflow, Integer steps, Integer rank, Double learningRate,
                                 Integer resolution, Duration attemptTimeout, DataSize minVramBytes,
                                 DataSize maxLoraBytes, Duration leaseTimeout, Duration claimConfirmTimeout,
                                 Integer maxHandbacks, Duration reaperInterval) {

    /** Attempts of one training: the first and one retry. */
    public static final int MAX_ATTEMPTS = 2;

    public TrainingProperties {
        baseModel = baseModel == null || baseModel.isBlank() ? "sd15" : baseModel.strip();
        workflow = workflow == null ? Path.of("workflows/train-lora-sd15.json") : workflow;
        steps = steps == null ? 600 : steps;
        rank = rank == null ? 16 : rank;
        learningRate = learningRate == null ? 0.0005 : learningRate;
        resolution = resolution == null ? 512 : resolution;
        attemptTimeout = attemptTimeout == null ? Duration.ofHours(2) : attemptTimeout;
        minVramBytes = minVramBytes == null ? DataSize.ofGigabytes(8) : minVramBytes;
        maxLoraBytes = maxLoraBytes == null ? DataSize.ofMegabytes(512) : maxLoraBytes;
        leaseTimeout = leaseTimeout == null ? Duration.ofSeconds(60) : leaseTimeout;
        claimConfirmTimeout = claimConfirmTimeout == null ? Duration.ofSeconds(15) : claimConfirmTimeout;
        maxHandbacks = maxHandbacks == null ? 10 : maxHandbacks;
        require(steps >= 1 && steps <= 100_000, "steps must be 1 to 100000, was " + steps);
        require(rank >= 1 && rank <= 256, "rank must be 1 to 256, was " + rank);
        require(learningRate > 0 && learningRate < 1, "learning-rate must be above 0 and below 1, was " + learningRate);
        require(resolution >= 256 && resolution <= 2048, "resolution must be 256 to 2048, was " + resolution);
        require(attemptTimeout.isPositive(), "attempt-timeout must be positive");
        require(minVramBytes.toBytes() >= 0, "min-vram-bytes must not be negative");
        require(maxLoraBytes.toBytes() >= 1024 && maxLoraBytes.toBytes() <= 2L * 1024 * 1024 * 1024,
                "max-lora-bytes must be 1 KB to 2 GB, was " + maxLoraBytes);
        require(leaseTimeout.isPositive() && claimConfirmTimeout.isPositive()
                && claimConfirmTimeout.compareTo(leaseTimeout) <= 0, "needs 0 < claim-confirm-timeout ≤ lease-timeout");
        require(maxHandbacks >= 0, "max-handbacks must not be negative");
        require(reaperInterval == null || reaperInterval.isPositive(), "reaper-interval must be positive");
    }

    /** The training settings the server was started with, all defaults. */
    public static TrainingProperties defaults() {
        return new TrainingProperties(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("text2image.training: " + message);
        }
    }
}
