package org.text2image.server.api.webhooks;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The body of a webhook, in the Standard Webhooks payload shape ({@code type}, {@code timestamp} of
 * the event, {@code data}). {@code data} is the job as {@code GET /api/v1/jobs/{id}} shows it once
 * ended, without what changes or expires: no queue position or progress, and images without their
 * signed URLs (get the job for fresh ones).
 *
 * @param type {@code job.succeeded}, {@code job.failed} or {@code job.cancelled}
 * @param timestamp when the job ended (ISO-8601, UTC)
 * @param data the job
 */
record WebhookEvent(@JsonProperty("type") String type, @JsonProperty("timestamp") Instant timestamp,
                    @JsonProperty("data") Job data) {

    /** The ended job; the property names and meanings of the API's job. */
    record Job(@JsonProperty("id") UUID id,
               @JsonProperty("status") String status,
               @JsonProperty("model") String model,
               @JsonProperty("model_name") String modelName,
               @JsonProperty("prompt") String prompt,
               @JsonProperty("negative_prompt") String negativePrompt,
               @JsonProperty("width") int width,
               @JsonProperty("height") int height,
               @JsonProperty("batch_size") int batchSize,
               @JsonProperty("seed") long seed,
               @JsonProperty("steps") int steps,
               @JsonProperty("cfg_scale") double cfgScale,
               @JsonProperty("sampler") String sampler,
               @JsonProperty("scheduler") String scheduler,
               @JsonProperty("attempts_used") int attemptsUsed,
               @JsonProperty("max_attempts") int maxAttempts,
               @JsonProperty("cost") Cost cost,
               @JsonProperty("error") String error,
               @JsonProperty("created_at") Instant createdAt,
               @JsonProperty("finished_at") Instant finishedAt,
               @JsonProperty("images") List<Image> images) {
    }

    /** The job's credits: its price, and what the ledger held, charged and released for it. */
    record Cost(@JsonProperty("price_credits") long priceCredits,
                @JsonProperty("held_credits") long heldCredits,
                @JsonProperty("charged_credits") long chargedCredits,
                @JsonProperty("released_credits") long releasedCredits) {
    }

    /** A result image, without URLs: {@code GET /api/v1/jobs/{id}} signs fresh ones. */
    record Image(@JsonProperty("id") UUID id,
                 @JsonProperty("index") int index,
                 @JsonProperty("content_type") String contentType) {
    }
}
