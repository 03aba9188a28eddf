package org.text2image.worker;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.api.HeartbeatResponse;

/**
 * Sends attempts' heartbeats ({@code POST /jobs/{id}/heartbeat} with the sampler's step) and reads
 * the answer: 409 or {@code cancelRequested} means the attempt must stop. A heartbeat that does not
 * get through is only logged: the lease survives a missed one or two, and a lost lease shows up as
 * 409 later. Thread-safe.
 */
final class Heartbeats {

    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private final ServerReporter reporter;
    private final Duration interval;

    /** @param interval time between heartbeats, before {@link #interval(ClaimedJob)} fits it to a job's lease */
    Heartbeats(ServerReporter reporter, Duration interval) {
        this.reporter = reporter;
        this.interval = interval;
    }

    /** The time between heartbeats for {@code job}: the configured interval, at most a third of its lease, at least 100 ms. */
    Duration interval(ClaimedJob job) {
        Duration third = Duration.ofSeconds(Math.max(1, job.leaseSeconds())).dividedBy(3);
        Duration fitted = interval.compareTo(third) < 0 ? interval : third;
        return fitted.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : fitted;
    }

    /**
     * Sends one heartbeat from a worker whose ComfyUI answers.
     *
     * @return why the attempt must stop ({@code "cancelled"}, {@code "attempt no longer ours: ..."}),
     *     or empty to carry on
     */
    Optional<String> beat(ClaimedJob job, SamplerProgress progress) {
        return beat(job, progress, true);
    }

    /**
     * Sends one heartbeat, saying whether the worker's ComfyUI answers (the server shows it on the job page).
     *
     * @return why the attempt must stop, or empty to carry on
     */
    Optional<String> beat(ClaimedJob job, SamplerProgress progress, boolean backendReachable) {
        try {
            HeartbeatResponse answer = reporter.heartbeat(job,
                    new Heartbeat(job.attempt(), progress.step(), progress.total(), backendReachable));
            return answer.cancelRequested() ? Optional.of("cancelled") : Optional.empty();
        } catch (StaleAttemptException e) {
            return Optional.of("attempt no longer ours: " + e.getMessage());
        } catch (WorkerApiException e) {
            if (!Thread.currentThread().isInterrupted()) { // a stopping worker notices at its next wait
                log.warn("heartbeat for job {} attempt {} failed: {}", job.jobId(), job.attempt(), e.getMessage());
            }
            return Optional.empty();
        }
    }
}
