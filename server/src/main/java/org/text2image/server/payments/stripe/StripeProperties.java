package org.text2image.server.payments.stripe;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.payments.stripe.*}: Stripe Checkout (docs/CONFIGURATION.md, "Payments";
 * docs/PAYMENTS.md, "Stripe"). Card payments are offered only when both keys are set.
 *
 * @param secretKey the account's secret API key ({@code sk_live_…}, {@code sk_test_…}, or a
 *     restricted {@code rk_…}); empty turns Stripe off
 * @param webhookSecret the signing secret of the webhook endpoint ({@code whsec_…}); empty turns Stripe off
 * @param apiBase where the API is reached (default {@code https://api.stripe.com}; tests point it
 *     at a local stand-in)
 * @param webhookPerMinute most webhook requests taken per minute, from all senders together
 *     (default 600); more get 429 and Stripe retries them later
 */
@ConfigurationProperties("text2image.payments.stripe")
public record StripeProperties(@DefaultValue("") String secretKey, @DefaultValue("") String webhookSecret,
                               @DefaultValue("https://api.stripe.com") URI apiBase,
                               @DefaultValue("600") int webhookPerMinute) {

    /** The webhook path, outside CSRF protection and sign-in: register it in the Stripe dashboard. */
    public static final String WEBHOOK_PATH = "/webhooks/stripe";

    /** @throws IllegalArgumentException for a key of the wrong kind, one key without the other, a bad API base or rate */
    public StripeProperties {
        secretKey = secretKey.strip();
        webhookSecret = webhookSecret.strip();
        if (!secretKey.isEmpty() && !secretKey.matches("(sk|rk)_(live|test)_[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("text2image.payments.stripe.secret-key must be a secret key "
                    + "(sk_live_…, sk_test_… or rk_…), not a publishable key");
        }
        if (!webhookSecret.isEmpty() && !webhookSecret.matches("whsec_[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("text2image.payments.stripe.webhook-secret must be a signing secret (whsec_…)");
        }
        if (secretKey.isEmpty() != webhookSecret.isEmpty()) {
            throw new IllegalArgumentException("text2image.payments.stripe.secret-key and webhook-secret go together: "
                    + "set both to offer card payments, or neither");
        }
        if (apiBase == null || apiBase.getHost() == null
                || !("https".equals(apiBase.getScheme()) || "http".equals(apiBase.getScheme()))) {
            throw new IllegalArgumentException("text2image.payments.stripe.api-base must be an http(s) URL, was " + apiBase);
        }
        if (webhookPerMinute < 1 || webhookPerMinute > 100_000) {
            throw new IllegalArgumentException("text2image.payments.stripe.webhook-per-minute must be 1-100000, was "
                    + webhookPerMinute);
        }
    }

    /** Whether card payments are offered (both keys set). */
    public boolean enabled() {
        return !secretKey.isEmpty();
    }

    @Override
    public String toString() {
        return "StripeProperties[enabled=" + enabled() + ", apiBase=" + apiBase + ", webhookPerMinute=" + webhookPerMinute + "]";
    }
}
