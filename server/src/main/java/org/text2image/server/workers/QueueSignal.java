package org.text2image.server.workers;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Rings when a job may have become claimable: PostgreSQL {@code LISTEN generation_job_queued},
 * the channel the {@code generation_job_queued_notify} trigger (migration V4) notifies when a job
 * is submitted or re-queued, on whichever server instance. Listeners run on the listening thread
 * and must return quickly.
 *
 * <p>One pooled connection is held for the LISTEN. When it breaks the signal reconnects after
 * {@link #RECONNECT_DELAY}, and until then rings every {@link #FALLBACK_RING} so waiting claims
 * fall back to polling. The table stays the truth: a ring only means "look again".
 *
 * <p>A {@link SmartLifecycle}: stopped and started again with its context (Spring pauses idle
 * test contexts), each start with a fresh thread and connection.
 */
@Component
class QueueSignal implements SmartLifecycle {

    /** The channel of migration V4's trigger. */
    static final String CHANNEL = "generation_job_queued";
    static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    static final Duration FALLBACK_RING = Duration.ofSeconds(1);
    private static final int WAIT_MILLIS = 500;
    private static final Logger log = LoggerFactory.getLogger(QueueSignal.class);

    private final DataSource dataSource;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong rings = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean running;

    QueueSignal(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Calls {@code listener} on every ring. */
    void subscribe(Runnable listener) {
        listeners.add(listener);
    }

    /** How many rings so far: a caller that reads it before looking and after can tell whether it missed one. */
    long rings() {
        return rings.get();
    }

    /** Rings now, from this instance (also used when the LISTEN connection is down). */
    void ring() {
        rings.incrementAndGet();
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("queue signal listener failed", e);
            }
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("queue-signal").daemon(true).start(this::listen);
    }

    @Override
    public void stop() {
        Thread listening;
        synchronized (this) {
            running = false;
            listening = thread;
            thread = null;
        }
        if (listening != null) {
            try { // it notices within one getNotifications wait

                listening.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        boolean announced = false;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
                if (!announced) {
                    log.info("Listening for queued jobs on PostgreSQL channel {}", CHANNEL);
                    announced = true;
                }
                ring(); // anything queued while not listening
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        ring();
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                log.warn("Queue signal lost its PostgreSQL connection ({}); polling until it reconnects", e.getMessage());
                announced = false;
                pollFor(RECONNECT_DELAY);
            }
        }
    }

    private void pollFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (running && System.nanoTime() < end) {
            ring();
            try {
                Thread.sleep(FALLBACK_RING);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
