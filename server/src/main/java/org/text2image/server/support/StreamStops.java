package org.text2image.server.support;

import java.time.Duration;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * What a server-sent event stream sends last when its server instance stops: the SSE {@code retry}
 * field (the reconnection time, WHATWG HTML Living Standard, "Server-sent events", §9.2.6 "Interpreting
 * an event stream") and a comment, before the stream closes. A browser's {@code EventSource} then
 * reconnects by itself after {@link #RECONNECT_AFTER}, which behind a load balancer reaches another
 * instance; the page goes on where it was, since every stream starts with the current state.
 */
public final class StreamStops {

    /** How long a browser waits before it reconnects a stream closed by a stopping instance. */
    public static final Duration RECONNECT_AFTER = Duration.ofSeconds(1);
    /** The comment line of the last event, {@code :server stopping}. */
    public static final String COMMENT = "server stopping";

    private StreamStops() {
    }

    /** The last event: {@code retry:1000} and {@code :server stopping}. */
    public static SseEmitter.SseEventBuilder lastEvent() {
        return SseEmitter.event().reconnectTime(RECONNECT_AFTER.toMillis()).comment(COMMENT);
    }
}
