package org.text2image.server.help.chat;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.text2image.server.help.HelpProperties;
import org.text2image.server.support.DatabaseSignals;
import org.text2image.server.support.StreamStops;

/**
 * The support pages' event streams, user's and admin's alike. Each stream waits on its own virtual
 * thread for {@value #CHANNEL} (notified by migration V22's triggers with the conversation id when
 * a message is posted or the conversation closed or reopened, from any server instance) and then
 * sends a {@code support} event; the page fetches the new messages itself. An idle stream sends a
 * comment every {@code keep-alive-interval}, so a closed tab is noticed; a user's stream also calls
 * its {@code heartbeat} then (their presence on the site, {@link Presence}). While the listening
 * connection is down the channel rings every second with no payload and every stream sends an
 * event, so the pages keep up.
 */
@Component
public class SupportStreams implements SmartLifecycle {

    /** The notification channel of migration V22. */
    public static final String CHANNEL = "help_support_changed";
    private static final Logger log = LoggerFactory.getLogger(SupportStreams.class);

    private final HelpProperties properties;
    private final Semaphore slots;
    private final Set<Follower> followers = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    SupportStreams(HelpProperties properties, DatabaseSignals signals) {
        this.properties = properties;
        this.slots = new Semaphore(properties.maxStreams());
        signals.subscribe(CHANNEL, this::changed);
    }

    private void changed(String payload) {
        Long conversationId = parse(payload);
        for (Follower follower : followers) {
            if (conversationId == null || follower.conversationId == conversationId) {
                follower.wake.release();
            }
        }
    }

    /**
     * A stream of the conversation's changes, or empty when {@code max-streams} are open already.
     *
     * @param heartbeat called on open and at every keep-alive (marks the user present), or a no-op
     */
    public Optional<SseEmitter> open(long conversationId, Runnable heartbeat) {
        if (!running || !slots.tryAcquire()) {
            return Optional.empty();
        }
        SseEmitter emitter = new SseEmitter(properties.streamLifetime().toMillis());
        Follower follower = new Follower(conversationId);
        followers.add(follower);
        Runnable close = () -> {
            follower.open = false;
            follower.wake.release();
        };
        emitter.onCompletion(close);
        emitter.onTimeout(close);
        emitter.onError(error -> close.run());
        Thread.ofVirtual().name("support-events-" + conversationId).start(() -> {
            try {
                follow(follower, emitter, heartbeat);
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                log.debug("Support stream of conversation {} closed by the client: {}", conversationId, e.getMessage());
                emitter.completeWithError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                emitter.complete();
            } catch (RuntimeException e) {
                log.warn("Support stream of conversation {} stopped", conversationId, e);
                emitter.completeWithError(e);
            } finally {
                followers.remove(follower);
                slots.release();
            }
        });
        return Optional.of(emitter);
    }

    /** How many streams of the conversation are open on this instance. */
    public long openStreams(long conversationId) {
        return followers.stream().filter(follower -> follower.conversationId == conversationId).count();
    }

    private void follow(Follower follower, SseEmitter emitter, Runnable heartbeat) throws IOException, InterruptedException {
        heartbeat.run();
        emitter.send(SseEmitter.event().name("support").data("open"));
        long keepAlive = properties.keepAliveInterval().toNanos();
        while (follower.open) {
            if (!running) {
                emitter.send(StreamStops.lastEvent()); // the browser reconnects to another instance
                return;
            }
            boolean woken = follower.wake.tryAcquire(keepAlive, TimeUnit.NANOSECONDS);
            follower.wake.drainPermits();
            if (!running || !follower.open) {
                continue; // closed: the loop ends; stopping: the loop sends the last event
            }
            if (woken) {
                emitter.send(SseEmitter.event().name("support").data("changed"));
            } else {
                emitter.send(SseEmitter.event().comment("keep-alive")); // fails once the tab is gone
                heartbeat.run();
            }
        }
    }

    private static Long parse(String payload) {
        try {
            return payload == null ? null : Long.valueOf(payload);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every stream first, so that graceful shutdown does not wait for them; each open one sends
     * {@link StreamStops#lastEvent()} (the SSE {@code retry} field) before it closes.
     */
    @Override
    public void stop() {
        running = false;
        followers.forEach(follower -> follower.wake.release());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    private static final class Follower {
        final long conversationId;
        final Semaphore wake = new Semaphore(0);
        volatile boolean open = true;

        Follower(long conversationId) {
            this.conversationId = conversationId;
        }
    }
}
