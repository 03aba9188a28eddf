package org.text2image.server.generation.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.job-events.*}: the job page's Server-Sent Events streams.
 *
 * @param pollInterval the least time between two reads of one stream's job row that its own
 *     notifications did not ask for (default 500 ms): a queued job's stream reads when any job
 *     changes, as its place may move, and every stream reads while the listening connection is
 *     down. A notification that carries the job's new state is sent at once, without a read
 * @param keepAliveInterval how often an idle stream sends a comment, so a closed tab is noticed
 *     and proxies keep the connection, and reads its row again (default 15 s)
 * @param streamLifetime how long one stream stays open at most (default 10 min); the browser
 *     reconnects by itself
 * @param maxStreams open streams per server instance at most (default 500); beyond it the stream
 *     is refused (503) and the page keeps polling every 3 s
 * @param progressEventsPerSecond events per second at most that only move the step or the preview
 *     (default 10); a burst of them goes out as one event with the latest values. A new status,
 *     attempt or queue position, a final state, and the first change after a quiet moment are
 *     never held back
 */
@ConfigurationProperties("text2image.job-events")
public record JobEventProperties(Duration pollInterval, Duration keepAliveInterval, Duration streamLifetime,
                                 int maxStreams, int progressEventsPerSecond) {

    public JobEventProperties {
        pollInterval = pollInterval == null ? Duration.ofMillis(500) : pollInterval;
        keepAliveInterval = keepAliveInterval == null ? Duration.ofSeconds(15) : keepAliveInterval;
        streamLifetime = streamLifetime == null ? Duration.ofMinutes(10) : streamLifetime;
        maxStreams = maxStreams <= 0 ? 500 : maxStreams;
        progressEventsPerSecond = progressEventsPerSecond <= 0 ? 10 : progressEventsPerSecond;
    }
}
