package org.text2image.server.api.openai;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobProgress;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;

/**
 * Waits for a job to end without holding a servlet thread: the request becomes asynchronous
 * ({@link DeferredResult}), and a small scheduler reads the job's state every {@link #POLL} (one
 * cheap read of its row, {@link GenerationService#progress}) until it is final or the wait is over
 * by the injected {@link Clock}; then the answer is made from the job's view. Should the container's
 * own timeout (the wait plus {@link #GRACE}) come first, it answers the same way. A client that
 * hangs up ends the polling. When the server shuts down, every waiting request is answered at once
 * from its job's state (a 202 for a job still queued or running, which goes on after a restart),
 * before the web server's graceful shutdown waits for open requests.
 */
@Component
class JobWaits implements SmartLifecycle, DisposableBean {

    /** How often a waiting job's state is read. */
    static final Duration POLL = Duration.ofMillis(300);
    /** Extra time the servlet container allows past the wait before it ends the request itself. */
    static final Duration GRACE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(JobWaits.class);

    private final GenerationService generation;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().name("openai-wait-", 0).daemon(true).factory());
    /** Answers each open wait at once (at shutdown). */
    private final Set<Runnable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    JobWaits(GenerationService generation, Clock clock) {
        this.generation = generation;
        this.clock = clock;
    }

    /**
     * Follows the job {@code jobId} of {@code ownerId} until it is final or {@code wait} has passed,
     * then answers with {@code answer} applied to its view (an unfinished job's view after the
     * wait). A job gone meanwhile (its account deleted) is a 404 {@code not_found}; a failure to
     * read it, a 500 {@code server_error}.
     */
    DeferredResult<ResponseEntity<Object>> await(UUID jobId, long ownerId, Duration wait,
                                                 Function<JobView, ResponseEntity<Object>> answer) {
        Instant deadline = running ? clock.instant().plus(wait) : clock.instant(); // shutting down: no wait
        Viewer viewer = new Viewer(ownerId, false);
        DeferredResult<ResponseEntity<Object>> result = new DeferredResult<>(wait.plus(GRACE).toMillis());
        AtomicReference<ScheduledFuture<?>> polling = new AtomicReference<>();
        Runnable answerNow = () -> {
            if (!result.isSetOrExpired()) {
                result.setResult(end(jobId, viewer, answer));
            }
        };
        Runnable poll = () -> {
            if (result.isSetOrExpired()) {
                stop(polling);
                return;
            }
            try {
                Optional<JobProgress> progress = generation.progress(jobId, viewer);
                if (progress.isEmpty() || progress.get().isFinal() || !clock.instant().isBefore(deadline)) {
                    answerNow.run();
                    stop(polling);
                    open.remove(answerNow);
                }
            } catch (RuntimeException e) {
                log.error("Waiting for job {} failed", jobId, e);
                result.setResult(serverError(jobId));
                stop(polling);
                open.remove(answerNow);
            }
        };
        open.add(answerNow);
        result.onTimeout(answerNow);
        result.onCompletion(() -> {
            stop(polling);
            open.remove(answerNow);
        });
        result.onError(error -> stop(polling));
        polling.set(scheduler.scheduleWithFixedDelay(poll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS));
        if (result.isSetOrExpired()) { // ended before the task was known to the callbacks
            stop(polling);
        }
        return result;
    }

    private ResponseEntity<Object> end(UUID jobId, Viewer viewer, Function<JobView, ResponseEntity<Object>> answer) {
        return generation.find(jobId, viewer).map(answer).orElseGet(() -> OpenAiError.refusal(HttpStatus.NOT_FOUND,
                "invalid_request_error", "not_found", null, "The job " + jobId + " no longer exists."));
    }

    private static ResponseEntity<Object> serverError(UUID jobId) {
        return OpenAiError.answer(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "server_error", null,
                "Something went wrong on the server while waiting for job " + jobId + ". Follow it at /api/v1/jobs/"
                        + jobId + ".", false);
    }

    private static void stop(AtomicReference<ScheduledFuture<?>> polling) {
        ScheduledFuture<?> task = polling.get();
        if (task != null) {
            task.cancel(false);
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** Answers every waiting request now, from its job's state. */
    @Override
    public void stop() {
        running = false;
        for (Runnable answerNow : List.copyOf(open)) {
            try {
                answerNow.run();
            } catch (RuntimeException e) {
                log.warn("A waiting request could not be answered at shutdown", e);
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first, before the web server's graceful shutdown (a lower phase) waits for open requests. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
