package org.text2image.server.help;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.help.*}: the support chat.
 *
 * @param awayAfter a user counts as away from the site, and an admin's reply is mailed to them,
 *     when neither a page load nor their open support page (its event stream's keep-alive) was
 *     seen for this long (default 5 min)
 * @param mailCheckInterval how often the {@code support-reply-mails} task mails the replies that
 *     came while the user was on the site and are still unread now that they are away (default 1 min)
 * @param keepAliveInterval how often an open support page's event stream sends a comment and
 *     marks its user as present (default 15 s; less than {@code awayAfter})
 * @param streamLifetime how long one event stream stays open at most (default 10 min); the
 *     browser reconnects by itself
 * @param maxStreams open support event streams per server instance at most (default 200); beyond
 *     it the stream is refused (503) and the page polls every 5 s instead
 */
@ConfigurationProperties("text2image.help")
public record HelpProperties(Duration awayAfter, Duration mailCheckInterval, Duration keepAliveInterval,
                             Duration streamLifetime, Integer maxStreams) {

    /** @throws IllegalArgumentException when a duration is not positive or the keep-alive is not below {@code awayAfter} */
    public HelpProperties {
        awayAfter = awayAfter == null ? Duration.ofMinutes(5) : awayAfter;
        mailCheckInterval = mailCheckInterval == null ? Duration.ofMinutes(1) : mailCheckInterval;
        keepAliveInterval = keepAliveInterval == null ? Duration.ofSeconds(15) : keepAliveInterval;
        streamLifetime = streamLifetime == null ? Duration.ofMinutes(10) : streamLifetime;
        maxStreams = maxStreams == null ? 200 : maxStreams;
        if (!awayAfter.isPositive() || !mailCheckInterval.isPositive() || !keepAliveInterval.isPositive()
                || !streamLifetime.isPositive() || maxStreams < 1) {
            throw new IllegalArgumentException("text2image.help.* durations must be positive and max-streams at least 1");
        }
        if (keepAliveInterval.compareTo(awayAfter) >= 0) {
            throw new IllegalArgumentException("text2image.help.keep-alive-interval (" + keepAliveInterval
                    + ") must be shorter than away-after (" + awayAfter + ")");
        }
    }
}
