package org.text2image.worker.comfyui;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Follows one prompt on ComfyUI's {@code GET /ws?clientId=} WebSocket (docs/COMFYUI.md, "Following a
 * prompt"). Open it <em>before</em> posting the prompt, as ComfyUI's own frontend does, so no frame
 * is missed; then call {@link #awaitDone} until it returns the history entry.
 *
 * <p>The socket only signals: {@code progress} frames for the prompt go to the listener and
 * {@code executing} with {@code node: null} means done; the result is always read from
 * {@code GET /history/{id}}. Frames sent while the socket is down are lost, so when the socket
 * drops (or fails to open), or when nothing arrives for {@link Timing#silenceBeforePoll}, the run
 * polls {@code /history/{id}} and {@code /queue} instead ({@link HistoryPoll}). Not thread-safe for
 * callers: one thread awaits.
 */
public final class PromptRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PromptRun.class);
    private static final Duration MAX_SLICE = Duration.ofMillis(200);

    /** Receives the sampler's {@code progress} frames: {@code value} of {@code max} steps. */
    @FunctionalInterface
    public interface ProgressListener {
        /** Called on the socket's thread; must return quickly. */
        void onProgress(int value, int max);
    }

    /**
     * How a run waits.
     *
     * @param connectTimeout how long opening the WebSocket may take
     * @param silenceBeforePoll with the socket up, how long without a frame for the prompt before
     *     polling {@code /history} (and again at this interval while silent)
     * @param pollInterval with the socket down, how often to poll {@code /history}
     * @param unreachableLimit how long ComfyUI may stay unreachable while polling before giving up
     */
    public record Timing(Duration connectTimeout, Duration silenceBeforePoll, Duration pollInterval,
                         Duration unreachableLimit) {

        public Timing {
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(silenceBeforePoll, "silenceBeforePoll");
            requirePositive(pollInterval, "pollInterval");
            requirePositive(unreachableLimit, "unreachableLimit");
        }

        /** 5 s to connect, poll after 10 s of silence or every 500 ms with no socket, give up after 30 s unreachable. */
        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(30));
        }

        private static void requirePositive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration");
            }
        }
    }

    private final String promptId;
    private final HistoryPoll historyPoll;
    private final ProgressListener listener;
    private final Timing timing;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile ComfyUiEvents.Subscription subscription;
    private ComfyUiEvents ownEvents;
    private volatile Preview lastPreview;
    private volatile PromptError reportedError;
    private boolean done;
    private boolean socketDown;
    private boolean closed;
    private Instant lastActivity;
    private Instant nextPoll;

    private PromptRun(ComfyUiClient client, String promptId, ProgressListener listener, Timing timing, Clock clock) {
        this.promptId = promptId;
        this.historyPoll = new HistoryPoll(client, promptId, timing.unreachableLimit());
        this.listener = listener;
        this.timing = timing;
        this.clock = clock;
        this.lastActivity = clock.instant();
        this.nextPoll = lastActivity;
    }

    /**
     * Opens a socket of its own for {@code clientId} (closed with the run) and starts listening for
     * {@code promptId}. A worker that runs many prompts uses {@link #open(ComfyUiEvents, String,
     * ProgressListener, Timing, Clock)} with one shared socket instead.
     *
     * @param promptId the id the prompt will be posted under
     * @param clientId the {@code client_id} it will be posted with; unique per worker process (a
     *     new socket with the same id replaces the old one)
     */
    public static PromptRun open(ComfyUiClient client, String clientId, String promptId, ProgressListener listener,
                                 Timing timing, Clock clock) {
        ComfyUiEvents own = new ComfyUiEvents(client, clientId);
        PromptRun run = open(own, promptId, listener, timing, clock);
        run.ownEvents = own;
        return run;
    }

    /**
     * Starts listening for {@code promptId} on the shared socket (opening it if it is not open).
     * When the socket cannot be opened the run still works, by polling (a message is logged).
     *
     * @param events the worker's socket; the prompt must be posted with its {@code client_id}
     * @param promptId the id the prompt will be posted under
     */
    public static PromptRun open(ComfyUiEvents events, String promptId, ProgressListener listener, Timing timing,
                                 Clock clock) {
        PromptRun run = new PromptRun(events.client(), Objects.requireNonNull(promptId, "promptId"),
                Objects.requireNonNull(listener, "listener"), timing, clock);
        run.subscription = events.subscribe(new ComfyUiEvents.Subscriber() {
            @Override
            public void onFrame(JsonNode frame) {
                run.onFrame(frame);
            }

            @Override
            public void onPreview(Preview preview, String executing) {
                if (run.promptId.equals(executing)) {
                    run.lastPreview = preview;
                }
            }

            @Override
            public void onSocketDown(String why) {
                run.onSocketDown(why);
            }
        }, timing.connectTimeout());
        return run;
    }

    /**
     * Waits up to {@code maxWait} for the prompt to finish.
     *
     * @return the history entry once the prompt is done (successful or not), empty if still running
     * @throws ComfyUiUnavailableException when ComfyUI stayed unreachable for {@link Timing#unreachableLimit}
     * @throws ComfyUiException when the prompt is neither queued nor in the history (ComfyUI restarted)
     * @throws InterruptedException when the calling thread is interrupted
     */
    public Optional<PromptHistory> awaitDone(Duration maxWait) throws InterruptedException {
        Instant end = clock.instant().plus(maxWait);
        while (true) {
            boolean poll;
            lock.lock();
            try {
                Instant now = clock.instant();
                poll = done || (quiet(now) && !now.isBefore(nextPoll));
                if (!poll) {
                    if (!now.isBefore(end)) {
                        return Optional.empty();
                    }
                    changed.await(slice(now, end), TimeUnit.NANOSECONDS);
                    continue;
                }
            } finally {
                lock.unlock();
            }
            Optional<PromptHistory> history = poll();
            if (history.isPresent()) {
                return history;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private boolean quiet(Instant now) {
        return socketDown || !now.isBefore(lastActivity.plus(timing.silenceBeforePoll()));
    }

    private long slice(Instant now, Instant end) {
        Instant wake = quiet(now) ? nextPoll : lastActivity.plus(timing.silenceBeforePoll());
        Instant until = wake.isBefore(end) ? wake : end;
        Duration wait = Duration.between(now, until);
        wait = wait.compareTo(MAX_SLICE) > 0 ? MAX_SLICE : wait;
        return Math.max(wait.toNanos(), TimeUnit.MILLISECONDS.toNanos(1));
    }

    private Optional<PromptHistory> poll() {
        Instant now = clock.instant();
        Optional<PromptHistory> history = historyPoll.check(now);
        schedulePoll(now);
        return history;
    }

    private void schedulePoll(Instant now) {
        lock.lock();
        try {
            nextPoll = now.plus(socketDown || done ? timing.pollInterval() : timing.silenceBeforePoll());
        } finally {
            lock.unlock();
        }
    }

    private void onFrame(JsonNode frame) {
        JsonNode data = frame.path("data");
        if (!promptId.equals(data.path("prompt_id").asString(""))) {
            return;
        }
        String type = frame.path("type").asString("");
        switch (type) {
            case "progress" -> {
                if (!closed) {
                    listener.onProgress(data.path("value").asInt(0), data.path("max").asInt(0));
                }
            }
            case "execution_error", "execution_interrupted" -> reportedError = ComfyUiResponses.error(type, data);
            default -> {
            }
        }
        boolean finished = type.equals("executing") && data.has("node") && data.get("node").isNull();
        lock.lock();
        try {
            lastActivity = clock.instant();
            if (finished) {
                done = true;
                nextPoll = lastActivity;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onSocketDown(String why) {
        lock.lock();
        try {
            if (!socketDown && !closed && !done) {
                log.info("ComfyUI socket for prompt {} {}; following it through /history", promptId, why);
            }
            socketDown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The {@code execution_error} or {@code execution_interrupted} frame seen for the prompt, if any. */
    public Optional<PromptError> reportedError() {
        return Optional.ofNullable(reportedError);
    }

    /** The last preview image received (previews are off unless ComfyUI or the prompt enables them). */
    public Optional<Preview> lastPreview() {
        return Optional.ofNullable(lastPreview);
    }

    /**
     * Whether ComfyUI answered the run's last look at {@code /history} (true while the socket
     * carries the run and no look was needed). Read by the thread that awaits the run.
     */
    public boolean backendReachable() {
        return !historyPoll.unreachable();
    }

    /** Whether the socket is open (false once it dropped; the run then follows by polling). */
    public boolean socketOpen() {
        lock.lock();
        try {
            return !socketDown;
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening (closing the socket only if the run opened its own); the prompt itself is not affected. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            socketDown = true;
        } finally {
            lock.unlock();
        }
        ComfyUiEvents.Subscription listening = subscription;
        if (listening != null) {
            listening.close();
        }
        if (ownEvents != null) {
            ownEvents.close();
        }
    }
}
