package org.text2image.server.api.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.text2image.server.generation.GeneratedImages;
import org.text2image.server.generation.ImageContent;
import org.text2image.server.generation.JobImage;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.web.ImageUrls;

/**
 * The answer of {@code POST /v1/images/generations} once its wait is over, from the job's view:
 * 200 with OpenAI's images response when it succeeded, 502 {@code generation_failed} when it
 * failed, 409 {@code job_cancelled} when it was cancelled, and 202 with the job's address while it
 * is still queued or running (docs/API.md, "OpenAI-compatible endpoints").
 */
@Component
class OpenAiAnswers {

    private final ImageUrls imageUrls;
    private final GeneratedImages images;

    OpenAiAnswers(ImageUrls imageUrls, GeneratedImages images) {
        this.imageUrls = imageUrls;
        this.images = images;
    }

    /**
     * The answer for {@code job} of {@code ownerId}.
     *
     * @param base the site's address as the client reached it ({@code http://host:port} and the
     *     context path), for absolute image URLs; read while the request was on its thread
     * @throws UncheckedIOException when a stored image cannot be read for {@code b64_json}
     */
    ResponseEntity<Object> of(JobView job, long ownerId, OpenAiImageRequest.Format format, String base) {
        long created = job.createdAt().getEpochSecond();
        return switch (job.status()) {
            case SUCCEEDED -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new OpenAiImages(created,
                    job.images().stream().map(image -> image(job, image, ownerId, format, base)).toList()));
            case FAILED -> OpenAiError.answer(HttpStatus.BAD_GATEWAY, "server_error", "generation_failed", null,
                    "The job " + job.id() + " failed" + reason(job) + " Nothing was charged. Its details: GET /api/v1/jobs/"
                            + job.id() + ".", false);
            case CANCELLED -> OpenAiError.refusal(HttpStatus.CONFLICT, "invalid_request_error", "job_cancelled", null,
                    "The job " + job.id() + " was cancelled before it ended" + reason(job) + " Nothing was charged.");
            case QUEUED, RUNNING -> {
                String url = "/api/v1/jobs/" + job.id();
                yield ResponseEntity.accepted().location(URI.create(url)).contentType(MediaType.APPLICATION_JSON)
                        .body(new OpenAiPendingJob(job.id(), job.status().name().toLowerCase(Locale.ROOT), url, created,
                                List.of()));
            }
        };
    }

    private OpenAiImages.Image image(JobView job, JobImage image, long ownerId, OpenAiImageRequest.Format format,
                                     String base) {
        if (format == OpenAiImageRequest.Format.URL) {
            return new OpenAiImages.Image(base + imageUrls.imageForOwner(job, image.id(), ownerId), null);
        }
        ImageContent content = images.image(image.id(), new Viewer(ownerId, false)).orElseThrow(() ->
                new UncheckedIOException(new IOException("Image " + image.id() + " of job " + job.id() + " is not stored")));
        try (InputStream in = content.resource().getInputStream()) {
            return new OpenAiImages.Image(null, Base64.getEncoder().encodeToString(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("Image " + image.id() + " of job " + job.id() + " cannot be read", e);
        }
    }

    private static String reason(JobView job) {
        return job.error() == null || job.error().isBlank() ? "." : ": " + job.error().strip()
                + (job.error().strip().endsWith(".") ? "" : ".");
    }
}
