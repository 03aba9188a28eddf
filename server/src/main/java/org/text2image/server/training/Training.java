package org.text2image.server.training;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A LoRA training (a {@code lora_training} row, migration V33), with the LoRA it made.
 *
 * @param id the training's id (also the claim's job id on the worker API)
 * @param userId its owner
 * @param datasetId the dataset it trains on; null once the dataset is deleted
 * @param name the dataset's name at submit
 * @param triggerWord the dataset's trigger word at submit
 * @param baseModelId the catalog model trained on
 * @param checkpoint that model's checkpoint file at submit; only workers listing it are given the training
 * @param steps training steps; {@code rank}, {@code learningRate}, {@code resolution} the other settings at submit
 * @param status where it is
 * @param attempt the current (or last) attempt, the fencing token; 0 before the first claim
 * @param maxAttempts attempts it may use ({@value TrainingProperties#MAX_ATTEMPTS})
 * @param handbacks claims given back unrun
 * @param workerName the worker holding the running attempt, else null
 * @param attemptStartedAt when the current attempt was claimed; null before the first
 * @param progressStep training steps done in the running attempt, as its worker reported
 * @param progressTotal the attempt's training steps, 0 before the first report
 * @param cancelRequested the user cancelled it while it ran: the worker is told at its next heartbeat
 * @param lastError the last failure's message, or null
 * @param createdAt when it was submitted (its allowance window)
 * @param finishedAt when it ended, or null
 * @param loraId the LoRA it made, when it succeeded and the LoRA is not deleted; else null
 */
public record Training(UUID id, long userId, UUID datasetId, String name, String triggerWord, String baseModelId,
                       String checkpoint, int steps, int rank, double learningRate, int resolution, TrainingStatus status,
                       int attempt, int maxAttempts, int handbacks, String workerName, Instant attemptStartedAt,
                       int progressStep, int progressTotal, boolean cancelRequested, String lastError, Instant createdAt,
                       Instant finishedAt, UUID loraId) {

    /** Attempts used so far: claims that ran, without those given back. */
    public int attemptsUsed() {
        return attempt - handbacks;
    }

    /** Whether the page should keep refreshing: QUEUED or RUNNING. */
    public boolean active() {
        return !status.ended();
    }

    /** The steps to show: the reported total, or the training's steps before the first report. */
    public int totalSteps() {
        return progressTotal > 0 ? progressTotal : steps;
    }

    /** Progress of a running attempt, 0–100. */
    public int percent() {
        return status == TrainingStatus.SUCCEEDED ? 100
                : totalSteps() == 0 ? 0 : (int) Math.min(100, 100L * progressStep / totalSteps());
    }

    /**
     * The time left of a running attempt: the time per step so far × the steps left. Empty before
     * the first step is reported, and when the training is not running.
     */
    public Optional<Duration> timeLeft(Clock clock) {
        if (status != TrainingStatus.RUNNING || attemptStartedAt == null || progressStep <= 0 || progressTotal <= 0) {
            return Optional.empty();
        }
        Duration elapsed = Duration.between(attemptStartedAt, clock.instant());
        if (elapsed.isNegative()) {
            return Optional.empty();
        }
        long left = Math.max(0, progressTotal - progressStep);
        return Optional.of(elapsed.dividedBy(progressStep).multipliedBy(left));
    }
}
