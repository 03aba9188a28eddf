package org.text2image.server.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A job as the API shows it to its owner. */
@Schema(description = "A job: what was asked, where it stands, what it cost, and its images once it succeeded.")
record ApiJob(
        @Schema(description = "The job's id.") @JsonProperty("id") UUID id,
        @Schema(description = "queued, running, succeeded, failed or cancelled.", example = "queued")
        @JsonProperty("status") String status,
        @Schema(description = "Model id.") @JsonProperty("model") String model,
        @Schema(description = "Model's display name.") @JsonProperty("model_name") String modelName,
        @Schema(description = "The prompt.") @JsonProperty("prompt") String prompt,
        @Schema(description = "The negative prompt (may be empty).") @JsonProperty("negative_prompt") String negativePrompt,
        @Schema(description = "Width in pixels.") @JsonProperty("width") int width,
        @Schema(description = "Height in pixels.") @JsonProperty("height") int height,
        @Schema(description = "Images in the job.") @JsonProperty("batch_size") int batchSize,
        @Schema(description = "The seed used (drawn by the server when the request had none).") @JsonProperty("seed") long seed,
        @Schema(description = "Sampler steps.") @JsonProperty("steps") int steps,
        @Schema(description = "CFG scale.") @JsonProperty("cfg_scale") double cfgScale,
        @Schema(description = "Sampler.") @JsonProperty("sampler") String sampler,
        @Schema(description = "Scheduler.") @JsonProperty("scheduler") String scheduler,
        @Schema(description = "While queued: 1-based place in the queue; else 0.") @JsonProperty("queue_position") int queuePosition,
        @Schema(description = "While queued: about how many seconds until a worker starts it; null when unknown.")
        @JsonProperty("estimated_wait_seconds") Integer estimatedWaitSeconds,
        @Schema(description = "While running: sampler steps done and in all (0 and 0 when unknown).")
        @JsonProperty("progress") Progress progress,
        @Schema(description = "Attempts started so far (a failed attempt is retried up to max_attempts).")
        @JsonProperty("attempts_used") int attemptsUsed,
        @Schema(description = "Most attempts the job gets.") @JsonProperty("max_attempts") int maxAttempts,
        @Schema(description = "Credits: the price, and what the ledger held, charged and released for this job.")
        @JsonProperty("cost") Cost cost,
        @Schema(description = "Why the job failed, or why the last attempt failed while it is retried; null otherwise.")
        @JsonProperty("error") String error,
        @Schema(description = "When the job was submitted (ISO-8601, UTC).") @JsonProperty("created_at") Instant createdAt,
        @Schema(description = "When it ended; null while queued or running.") @JsonProperty("finished_at") Instant finishedAt,
        @Schema(description = "The images, in batch order; empty unless succeeded. A video job has one: the video.")
        @JsonProperty("images") List<Image> images,
        @Schema(description = "A video job's length, rate and input image; null for an image job.")
        @JsonProperty("video") Video video,
        @Schema(description = "The user's LoRA the job generates with (lora_id at submit) and its strength; null for none.")
        @JsonProperty("lora") Lora lora) {

    /** The user's LoRA a job generates with. */
    @Schema(name = "JobLora", description = "One of the user's trained LoRAs and the strength it is applied with.")
    record Lora(@Schema(description = "The LoRA's id (lora_id at submit).") @JsonProperty("id") UUID id,
                @Schema(description = "Its strength, -2 to 2.") @JsonProperty("strength") double strength) {
    }

    /** A video job's own settings. */
    @Schema(name = "JobVideo", description = "A video job's length, rate and input image.")
    record Video(@Schema(description = "Length in frames.") @JsonProperty("frames") int frames,
                 @Schema(description = "Frames per second.") @JsonProperty("fps") int fps,
                 @Schema(description = "The image the video starts from (image-to-video); null otherwise.")
                 @JsonProperty("input_image_id") UUID inputImageId) {
    }

    /** Sampler progress of a running job. */
    @Schema(name = "JobProgress", description = "Sampler progress of a running job.")
    record Progress(@Schema(description = "Steps done.") @JsonProperty("step") int step,
                    @Schema(description = "Steps in all (0 when unknown).") @JsonProperty("total") int total) {
    }

    /** The job's credits. */
    @Schema(name = "JobCost", description = "What the job costs and what the ledger did with its credits.")
    record Cost(@Schema(description = "The job's price in credits.") @JsonProperty("price_credits") long priceCredits,
                @Schema(description = "Credits held at submit.") @JsonProperty("held_credits") long heldCredits,
                @Schema(description = "Credits charged (the job succeeded); 0 otherwise.")
                @JsonProperty("charged_credits") long chargedCredits,
                @Schema(description = "Credits given back (failed or cancelled); 0 otherwise.")
                @JsonProperty("released_credits") long releasedCredits) {
    }

    /** One result image with its signed URLs. */
    @Schema(name = "JobImage", description = "One result image with its signed URLs.")
    record Image(@Schema(description = "The image's id.") @JsonProperty("id") UUID id,
                 @Schema(description = "0-based place in the batch.") @JsonProperty("index") int index,
                 @Schema(description = "image/png, image/webp or image/jpeg; video/mp4 or video/webm for a video.") @JsonProperty("content_type") String contentType,
                 @Schema(description = "Signed URL of the image: works without a key or session until expires_at.")
                 @JsonProperty("url") String url,
                 @Schema(description = "Signed URL of a small JPEG thumbnail, until expires_at; for a video, of its "
                         + "poster (null when the video has none).")
                 @JsonProperty("thumbnail_url") String thumbnailUrl,
                 @Schema(description = "A video's poster (its first frame, PNG) as a signed URL until expires_at; null "
                         + "for an image or a video without poster.")
                 @JsonProperty("poster_url") String posterUrl,
                 @Schema(description = "When the URLs stop working (ISO-8601, UTC); GET the job again for fresh ones.")
                 @JsonProperty("expires_at") Instant expiresAt) {
    }
}
