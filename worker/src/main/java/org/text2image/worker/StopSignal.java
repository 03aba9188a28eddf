package org.text2image.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker loop's stop request, shared by its parts (as db-scheduler's {@code SchedulerState}):
 * set once, never cleared. Pauses wake on it. Thread-safe.
 */
final class StopSignal {

    private final CountDownLatch requested = new CountDownLatch(1);

    /** Asks the loop and its parts to stop. */
    void request() {
        requested.countDown();
    }

    /** Whether a stop was asked for. */
    boolean requested() {
        return requested.getCount() == 0;
    }

    /** Sleeps up to {@code delay}, waking early on a stop request; an interrupt counts as one and is kept. */
    void pause(Duration delay) {
        try {
            requested.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            request();
            Thread.currentThread().interrupt();
        }
    }
}
