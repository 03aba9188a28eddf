package org.text2image.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.Preview;

/**
 * Relays the live previews ComfyUI sends for one attempt (when its preview method is on) to the
 * server: the latest one, at most once per {@link #INTERVAL}. A failed send only costs that
 * preview (a lost attempt shows at the next heartbeat). Used by the one thread that follows the
 * attempt.
 */
final class PreviewRelay {

    /** At most one live preview per this interval is relayed. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(PreviewRelay.class);

    private final ClaimedJob job;
    private final ServerReporter reporter;
    private final Clock clock;
    private Preview sent;
    private Instant next;

    PreviewRelay(ClaimedJob job, ServerReporter reporter, Clock clock) {
        this.job = job;
        this.reporter = reporter;
        this.clock = clock;
        this.next = clock.instant();
    }

    /** When to look for a preview again: when the next one may go, or an interval from {@code now} if it may go already. */
    Instant due(Instant now) {
        return next.isAfter(now) ? next : now.plus(INTERVAL);
    }

    /** Sends {@code latest} if it is a new preview and one may go now. */
    void offer(Optional<Preview> latest) {
        if (latest.isEmpty() || latest.get() == sent || clock.instant().isBefore(next)) {
            return;
        }
        sent = latest.get();
        try {
            reporter.preview(job, sent);
        } catch (WorkerApiException e) {
            log.debug("preview for job {} attempt {} not sent: {}", job.jobId(), job.attempt(), e.getMessage());
        }
        next = clock.instant().plus(INTERVAL);
    }
}
