package org.text2image.server.payments.stripe;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /webhooks/stripe}: Stripe's webhook endpoint. No sign-in and no CSRF token (its own
 * filter chain, {@link StripeWebhookSecurity}); the signature is the authentication. The raw body
 * is read here, at most {@value #MAX_BODY} bytes (413 beyond, read no further), and requests are
 * rate-limited ({@code webhook-per-minute}, 429 with {@code Retry-After}). Answers: 200 for an
 * event handled, replayed or ignored; 400 with the reason for anything refused
 * ({@link WebhookRefusedException}), after which nothing was written. Stripe retries non-2xx
 * answers for up to three days.
 */
@RestController
class StripeWebhookController {

    /** Largest body taken, in bytes. Stripe's events are a few KB. */
    static final int MAX_BODY = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(StripeWebhookController.class);

    private final StripeWebhook webhook;
    private final Bucket bucket;

    StripeWebhookController(StripeWebhook webhook, StripeProperties properties) {
        this.webhook = webhook;
        int perMinute = properties.webhookPerMinute();
        this.bucket = Bucket.builder().addLimit(Bandwidth.builder().capacity(perMinute)
                .refillGreedy(perMinute, Duration.ofMinutes(1)).build()).build();
    }

    @PostMapping(StripeProperties.WEBHOOK_PATH)
    ResponseEntity<String> receive(HttpServletRequest request) throws IOException {
        if (!bucket.tryConsume(1)) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, "60")
                    .contentType(MediaType.TEXT_PLAIN).body("Too many webhook requests; retry later.\n");
        }
        if (request.getContentLengthLong() > MAX_BODY) {
            return tooLarge();
        }
        byte[] body = readAtMost(request.getInputStream(), MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            return tooLarge();
        }
        try {
            StripeWebhook.Outcome outcome = webhook.handle(new String(body, StandardCharsets.UTF_8),
                    request.getHeader("Stripe-Signature"));
            return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(outcome.name().toLowerCase(java.util.Locale.ROOT) + "\n");
        } catch (WebhookRefusedException e) {
            log.warn("Refused a Stripe webhook request: {}", e.getMessage());
            return refused(e.getMessage());
        } catch (DataIntegrityViolationException e) { // such as a PaymentIntent another payment has
            log.error("Refused a Stripe webhook request that conflicts with stored payments: {}",
                    e.getMostSpecificCause().getMessage());
            return refused("The event conflicts with a stored payment.");
        }
    }

    private static ResponseEntity<String> refused(String message) {
        return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body(message + "\n");
    }

    private static ResponseEntity<String> tooLarge() {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).contentType(MediaType.TEXT_PLAIN)
                .body("A webhook body may have at most " + MAX_BODY + " bytes.\n");
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        while (out.size() < limit && (read = in.read(buffer, 0, Math.min(buffer.length, limit - out.size()))) != -1) {
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }
}
