package org.text2image.server.generation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.generation.*}: the limits of a job and of the queue.
 *
 * @param minSize smallest width and height in pixels (default 64)
 * @param maxWidth largest width in pixels (default 1024)
 * @param maxHeight largest height in pixels (default 1024)
 * @param maxPromptLength longest prompt and negative prompt, in characters (default 2000)
 * @param maxBatchSize most images per job (default 1)
 * @param maxAttempts tries per job: the first plus retries (default 3 = first try + 2 retries)
 * @param leaseTimeout how long a worker keeps a job without a heartbeat (default 60 s)
 * @param attemptTimeout how long one attempt may run at most (default 5 min)
 * @param maxQueuedJobsPerUser queued plus running jobs one user may have at once (default 20)
 * @param reaperInterval how often expired leases and timed-out attempts are collected (default 5 s)
 * @param workerOnlineWindow a worker not heard from for longer counts as offline (default 30 s)
 * @param modelAdvertisementWindow a submit is refused when every worker heard from in this time listed its
 *     checkpoints and none listed the model's (default 1 h; 0 never refuses)
 * @param agingThreshold a job queued for longer goes before every younger job of its priority,
 *     whatever fair share and model affinity say ({@code Dispatcher}; default 2 min)
 * @param claimConfirmTimeout the provisional lease of a fresh claim: a worker that has not sent its
 *     first heartbeat by then (it died, or stopped while its claim was answered) gives the job back
 *     without using up an attempt (default 15 s; at most {@code leaseTimeout})
 * @param maxHandbacks claims of one job that may be given back unrun (hand-back on shutdown,
 *     unconfirmed claim) before further ones count as failed attempts (default 10)
 * @param maxClaimWait longest a long-poll claim is held waiting for work (default 30 s; a worker
 *     asking longer gets this)
 */
@ConfigurationProperties("text2image.generation")
public record GenerationProperties(int minSize, int maxWidth, int maxHeight, int maxPromptLength, int maxBatchSize,
                                   int maxAttempts, Duration leaseTimeout, Duration attemptTimeout,
                                   int maxQueuedJobsPerUser, Duration reaperInterval,
                                   Duration workerOnlineWindow, Duration agingThreshold,
                                   Duration modelAdvertisementWindow, Duration claimConfirmTimeout,
                                   Integer maxHandbacks, Duration maxClaimWait) {

    public GenerationProperties {
        agingThreshold = agingThreshold == null ? Duration.ofMinutes(2) : agingThreshold;
        modelAdvertisementWindow = modelAdvertisementWindow == null ? Duration.ofHours(1) : modelAdvertisementWindow;
        claimConfirmTimeout = claimConfirmTimeout == null ? Duration.ofSeconds(15) : claimConfirmTimeout;
        maxHandbacks = maxHandbacks == null ? 10 : maxHandbacks;
        maxClaimWait = maxClaimWait == null ? Duration.ofSeconds(30) : maxClaimWait;
        if (leaseTimeout == null || !leaseTimeout.isPositive() || !claimConfirmTimeout.isPositive()
                || claimConfirmTimeout.compareTo(leaseTimeout) > 0) {
            throw new IllegalArgumentException(
                    "text2image.generation needs 0 < claim-confirm-timeout ≤ lease-timeout");
        }
        if (maxHandbacks < 0 || maxClaimWait.isNegative()) {
            throw new IllegalArgumentException("text2image.generation max-handbacks and max-claim-wait must not be negative");
        }
        if (agingThreshold.isNegative()) {
            throw new IllegalArgumentException("text2image.generation.aging-threshold must not be negative");
        }
        if (minSize < 1 || maxWidth < minSize || maxHeight < minSize) {
            throw new IllegalArgumentException("text2image.generation needs 1 ≤ min-size ≤ max-width, max-height");
        }
        if (maxPromptLength < 1 || maxBatchSize < 1 || maxAttempts < 1 || maxQueuedJobsPerUser < 1) {
            throw new IllegalArgumentException("text2image.generation limits must be ≥ 1");
        }
    }
}
