package org.text2image.worker;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats a started attempt while it waits its turn on ComfyUI (a prefetched job queued behind
 * the running one), every {@link Attempt#heartbeatInterval()} on a scheduler, so a slow upload of
 * the job before it cannot let its lease run out. {@link #stop()} ends the beats; a beat under way
 * finishes first, as {@link Attempt#finish} waits for it.
 */
final class KeepAlive {

    private final ScheduledFuture<?> beats;

    private KeepAlive(ScheduledFuture<?> beats) {
        this.beats = beats;
    }

    /** Starts the beats, the first one interval from now (starting the attempt sent one). */
    static KeepAlive start(Attempt attempt, ScheduledExecutorService scheduler) {
        long interval = attempt.heartbeatInterval().toNanos();
        return new KeepAlive(scheduler.scheduleWithFixedDelay(attempt::keepAlive, interval, interval, TimeUnit.NANOSECONDS));
    }

    /** Sends no more beats. */
    void stop() {
        beats.cancel(false);
    }
}
