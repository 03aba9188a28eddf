package org.text2image.server.notifications;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.mail.*}: how the mail outbox is delivered. The SMTP server itself is Spring's
 * {@code spring.mail.*} ({@code host}, {@code port}, {@code username}, {@code password}); without
 * {@code spring.mail.host} mails are written to the log and marked logged-only.
 *
 * @param from the sender, an address or {@code Name <address>} (default {@code Text2Image <noreply@localhost>})
 * @param deliveryInterval pause between two runs of the {@code mail-outbox-delivery} task (default 10 s)
 * @param batchSize most mails one run delivers (default 50); the rest wait for the next run
 * @param maxAttempts tries per mail before it is marked failed (default 5)
 * @param retryDelay after the n-th failed try the mail waits n × this before the next (default 1 min)
 */
@ConfigurationProperties("text2image.mail")
public record OutboxProperties(@DefaultValue("Text2Image <noreply@localhost>") String from,
                               @DefaultValue("10s") Duration deliveryInterval,
                               @DefaultValue("50") int batchSize,
                               @DefaultValue("5") int maxAttempts,
                               @DefaultValue("1m") Duration retryDelay) {

    /** @throws IllegalArgumentException for a malformed sender, a non-positive interval, delay, batch or attempts */
    public OutboxProperties {
        try {
            new InternetAddress(from, true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException("text2image.mail.from must be an email address, was \"" + from + "\"", e);
        }
        if (!deliveryInterval.isPositive() || !retryDelay.isPositive()) {
            throw new IllegalArgumentException("text2image.mail.delivery-interval and retry-delay must be positive");
        }
        if (batchSize < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("text2image.mail.batch-size and max-attempts must be at least 1");
        }
    }
}
