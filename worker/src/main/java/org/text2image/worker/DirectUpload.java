package org.text2image.worker;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.JobOutcome;
import org.text2image.worker.api.UploadUrls;
import org.text2image.worker.api.UploadUrlsRequest;
import org.text2image.worker.api.UploadedCompletion;

/**
 * Direct worker upload (docs/WORKER_API.md, "Direct upload to the bucket"): asks the server for
 * presigned {@code PUT} URLs, puts each PNG into the bucket and completes with the keys. Empty
 * whenever that path is not taken to its end — the server takes no direct uploads (404), an image
 * is not a PNG, a {@code PUT} or the keyed completion is refused, the network fails — so the caller
 * sends the images as multipart, the default path. A stale attempt (409) ends it as stopped. A
 * server that takes no direct uploads is asked again only after {@link #RECHECK_OFF}, so a worker
 * of such a server (the default) makes no extra call per job.
 */
final class DirectUpload {

    /** How long a server's "no direct uploads" (404) is believed before it is asked again. */
    static final Duration RECHECK_OFF = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(DirectUpload.class);

    private final WorkerApiClient server;
    private final Clock clock;
    private volatile Instant offUntil = Instant.MIN;

    DirectUpload(WorkerApiClient server, Clock clock) {
        this.server = server;
        this.clock = clock;
    }

    /** The attempt's result when the images went to the bucket and the server took the completion; else empty. */
    Optional<AttemptResult> complete(ClaimedJob job, List<ImageFile> images) {
        if (images.isEmpty() || !images.stream().allMatch(image -> image.inMemory() && image.contentType().equals("image/png"))
                || clock.instant().isBefore(offUntil)) {
            return Optional.empty();
        }
        List<String> md5s = images.stream().map(image -> Base64.getEncoder().encodeToString(md5(image.bytes()))).toList();
        try {
            List<UploadUrlsRequest.DeclaredImage> declared = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                declared.add(new UploadUrlsRequest.DeclaredImage(images.get(i).bytes().length, md5s.get(i)));
            }
            Optional<UploadUrls> urls = server.uploadUrls(job.jobId(), new UploadUrlsRequest(job.attempt(), declared));
            if (urls.isEmpty()) { // the server takes no direct uploads
                offUntil = clock.instant().plus(RECHECK_OFF);
                return Optional.empty();
            }
            if (urls.get().uploads().size() != images.size()) {
                log.warn("job {} attempt {}: the server gave {} upload URLs for {} images; sending them as multipart",
                        job.jobId(), job.attempt(), urls.get().uploads().size(), images.size());
                return Optional.empty();
            }
            List<UploadedCompletion.UploadedImageKey> keys = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                UploadUrls.Target target = urls.get().uploads().get(i);
                server.upload(target, images.get(i).bytes());
                keys.add(new UploadedCompletion.UploadedImageKey(target.key(), images.get(i).bytes().length, md5s.get(i)));
            }
            JobOutcome answer = server.completeUploaded(job.jobId(), new UploadedCompletion(job.attempt(), keys));
            return Optional.of(new AttemptResult(JobReport.Outcome.SUCCEEDED, images.size()
                    + " image(s) uploaded to the bucket (job now " + answer.status() + ")", images.size()));
        } catch (StaleAttemptException e) {
            return Optional.of(AttemptResult.stopped("attempt no longer ours, " + images.size() + " image(s) not kept"));
        } catch (WorkerApiException e) {
            log.warn("job {} attempt {}: direct upload failed, sending the images to the server instead: {}",
                    job.jobId(), job.attempt(), e.getMessage());
            return Optional.empty();
        }
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes); // every JDK has MD5 (Standard Algorithm Names)
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
