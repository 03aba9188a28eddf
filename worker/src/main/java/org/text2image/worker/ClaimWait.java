package org.text2image.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;

/**
 * One claim, watched while the server holds it (a long-poll claim waits up to its
 * {@link ClaimRequest#waitSeconds()} for a job). When the loop is asked to stop, or ComfyUI's
 * health changes (it went down, came back, or its checkpoints changed), the server is asked to end
 * the claim ({@code POST /claim/cancel}) so a fresh one can carry the news; a call the server has
 * not answered {@link #CANCEL_GRACE} later is abandoned. Interrupting the waiting thread ends the
 * claim at once and counts as a stop request. Used by the loop's thread.
 */
final class ClaimWait {

    private static final Logger log = LoggerFactory.getLogger(ClaimWait.class);
    /** How long the server may take to answer a cancelled long-poll claim before the call is abandoned. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(2);
    /** How often a waiting claim looks at stop requests and ComfyUI's health. */
    static final Duration WATCH_INTERVAL = Duration.ofMillis(100);

    private final WorkerApiClient server;
    private final ComfyUiHealth health;
    private final StopSignal stop;

    ClaimWait(WorkerApiClient server, ComfyUiHealth health, StopSignal stop) {
        this.server = server;
        this.health = health;
        this.stop = stop;
    }

    /**
     * Sends {@code request} and waits for the answer.
     *
     * @param status the health {@code request} reports; a change from it ends the wait
     * @return the leased job, or empty (no work, or the claim was ended)
     * @throws WorkerApiException as {@link WorkerApiClient#claim} does
     */
    Optional<ClaimedJob> claim(ClaimRequest request, ComfyUiHealth.Status status) {
        CompletableFuture<Optional<ClaimedJob>> answer = server.claimAsync(request);
        boolean ending = false;
        long abandonAt = 0;
        while (true) {
            try {
                return answer.get(WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still waiting: look at stop and health below
            } catch (ExecutionException e) {
                throw WorkerApiClient.unwrap(e.getCause(), "claim");
            } catch (InterruptedException e) {
                return interrupted(answer, request.workerName());
            }
            if (!ending && (stop.requested() || health.current().differsFrom(status))) {
                ending = true;
                abandonAt = System.nanoTime() + (askServerToEnd(request.workerName()) ? CANCEL_GRACE.toNanos() : 0);
            } else if (ending && System.nanoTime() - abandonAt >= 0) {
                answer.cancel(true);
                return Optional.empty();
            }
        }
    }

    /** Asks the server to answer the worker's waiting claims; false when it could not be asked. */
    private boolean askServerToEnd(String workerName) {
        try {
            server.cancelClaims(workerName);
            return true;
        } catch (WorkerApiException e) {
            log.info("could not end the waiting claim on the server ({}); abandoning it", e.getMessage());
            return false;
        }
    }

    /** stopNow(): ends the claim on the server too, quickly, and keeps the interrupt. */
    private Optional<ClaimedJob> interrupted(CompletableFuture<Optional<ClaimedJob>> answer, String workerName) {
        answer.cancel(true);
        stop.request();
        try {
            server.cancelClaims(workerName);
        } catch (WorkerApiException ignored) {
            // the claim's provisional lease covers a job leased to it anyway
        }
        Thread.currentThread().interrupt();
        return Optional.empty();
    }
}
