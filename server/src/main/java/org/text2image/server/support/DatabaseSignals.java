package org.text2image.server.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL {@code LISTEN}: passes the notifications of the subscribed channels to their
 * subscribers, from whichever server instance the notifying transaction ran on. The channels and
 * the triggers that notify them are in the migrations ({@code generation_job_queued}: a job became
 * QUEUED, V4; {@code generation_job_changed}: a job's state, progress or preview changed, V9, with the new
 * state in its payload since V13).
 * Subscribers run on the listening thread and must return quickly.
 *
 * <p>One pooled connection is held for the LISTEN. When it breaks the signals reconnect after
 * {@link #RECONNECT_DELAY}, and until then every channel rings once a second with a null payload
 * ("something may have changed"), so subscribers fall back to polling. The tables stay the truth:
 * a notification only means "look again".
 *
 * <p>A {@link SmartLifecycle}: stopped and started again with its context (Spring pauses idle
 * test contexts), each start with a fresh thread and connection. Subscribe before it starts. Its
 * {@link #PHASE} starts it before, and stops it after, the web server and the beans that subscribe
 * (the default phase), so requests that drain at shutdown are still woken; the pool and the
 * database close only after it.
 */
@Component
public class DatabaseSignals implements SmartLifecycle {

    /** Below the web server's start/stop phase ({@code DEFAULT_PHASE - 2048}). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    static final Duration FALLBACK_RING = Duration.ofSeconds(1);
    private static final int WAIT_MILLIS = 500;
    private static final Logger log = LoggerFactory.getLogger(DatabaseSignals.class);

    private final DataSource dataSource;
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rings = new ConcurrentHashMap<>();
    private volatile Thread thread;
    private volatile boolean running;

    DatabaseSignals(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Calls {@code subscriber} with each notification's payload on {@code channel} (null when the
     * listening connection is down and the channel rings as a fallback).
     *
     * @param channel a lower-case PostgreSQL identifier, such as {@code generation_job_queued}
     */
    public void subscribe(String channel, Consumer<String> subscriber) {
        if (!channel.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain channel name: " + channel);
        }
        subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(subscriber);
        rings.computeIfAbsent(channel, c -> new AtomicLong());
    }

    /** How many times {@code channel} rang so far: read it before looking and after, to tell whether one was missed. */
    public long rings(String channel) {
        AtomicLong count = rings.get(channel);
        return count == null ? 0 : count.get();
    }

    /** Rings {@code channel} from this instance, as a notification with {@code payload} would. */
    public void ring(String channel, String payload) {
        AtomicLong count = rings.get(channel);
        if (count != null) {
            count.incrementAndGet();
        }
        for (Consumer<String> subscriber : subscribers.getOrDefault(channel, List.of())) {
            try {
                subscriber.accept(payload);
            } catch (RuntimeException e) {
                log.warn("subscriber of channel {} failed", channel, e);
            }
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("database-signals").daemon(true).start(this::listen);
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

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void listen() {
        boolean announced = false;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    for (String channel : subscribers.keySet()) {
                        statement.execute("LISTEN " + channel);
                    }
                }
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
                if (!announced) {
                    log.info("Listening on PostgreSQL channels {}", subscribers.keySet());
                    announced = true;
                }
                ringAll(); // anything that happened while not listening
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            String payload = notification.getParameter();
                            ring(notification.getName(), payload == null || payload.isEmpty() ? null : payload);
                        }
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                log.warn("Database signals lost their PostgreSQL connection ({}); polling until they reconnect", e.getMessage());
                announced = false;
                pollFor(RECONNECT_DELAY);
            }
        }
    }

    private void ringAll() {
        subscribers.keySet().forEach(channel -> ring(channel, null));
    }

    private void pollFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (running && System.nanoTime() < end) {
            ringAll();
            try {
                Thread.sleep(FALLBACK_RING);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
