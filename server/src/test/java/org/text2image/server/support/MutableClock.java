package org.text2image.server.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that follows real time plus an offset tests can move forward (leases, deadlines), and
 * that a test can stop ({@link #freeze()}) when it compares times computed moments apart.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    private final AtomicReference<Instant> frozen = new AtomicReference<>();

    /** Stops the clock at its current instant; {@link #advance} still moves it, {@link #reset} restarts it. */
    public void freeze() {
        frozen.set(instant());
        offset.set(Duration.ZERO);
    }

    /** Moves the clock forward by {@code amount}. */
    public void advance(Duration amount) {
        offset.updateAndGet(current -> current.plus(amount));
    }

    /** Back to real time, running. */
    public void reset() {
        frozen.set(null);
        offset.set(Duration.ZERO);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        Instant stopped = frozen.get();
        return (stopped == null ? Instant.now() : stopped).plus(offset.get());
    }
}
