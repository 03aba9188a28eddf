package org.text2image.server.payments.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.payments.Pack;
import org.text2image.server.payments.Payment;
import org.text2image.server.payments.PaymentProvider;
import org.text2image.server.payments.PaymentReferences;
import org.text2image.server.payments.PaymentRows;
import org.text2image.server.payments.PaymentState;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.SiteProperties;

/**
 * Opens a Stripe Checkout Session (payment mode) for a pack: a payment row waiting for payment
 * ({@link PaymentState#CHECKOUT_OPEN}), then the Session, created through Stripe's API with the
 * pack's exact price and currency, the payment's id, user and pack in its metadata, and the
 * payment's page as the success URL. Nothing is granted here: only the verified webhook
 * ({@link StripeWebhook}) grants. The API call runs outside any transaction; its idempotency key is
 * the payment's reference, so a retried call creates one Session.
 */
@Service
public class StripeCheckout {

    /** The form's one-time key, such as a UUID. */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** How long Stripe keeps a Checkout Session open (its default). */
    static final Duration SESSION_LIFETIME = Duration.ofHours(24);
    private static final Logger log = LoggerFactory.getLogger(StripeCheckout.class);

    private final StripeProperties properties;
    private final PaymentRows payments;
    private final StripeRows rows;
    private final SiteProperties site;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final StripeClient client;

    StripeCheckout(StripeProperties properties, PaymentRows payments, StripeRows rows, SiteProperties site,
                   TransactionTemplate tx, Clock clock) {
        this.properties = properties;
        this.payments = payments;
        this.rows = rows;
        this.site = site;
        this.tx = tx;
        this.clock = clock;
        this.client = properties.enabled() ? StripeClient.builder().setApiKey(properties.secretKey())
                .setApiBase(properties.apiBase().toString().replaceAll("/+$", "")).build() : null;
    }

    /**
     * A started checkout: the payment, and where to send the user.
     *
     * @param redirectUrl Stripe's hosted page, or the payment's own page when the Session is not
     *     known (a replayed form whose first send is still creating it)
     */
    public record Started(Payment payment, String redirectUrl) {
    }

    /**
     * Opens a Checkout Session for the pack, once per form key: a replayed key leads to the
     * Session it opened.
     *
     * @throws InvalidInputException ({@code key}) for a malformed key or another user's;
     *     ({@code pack}) when Stripe is not configured
     * @throws CheckoutUnavailableException when Stripe refused or could not be reached (the payment expires)
     */
    public Started open(SignedInUser user, Pack pack, String requestKey) {
        if (requestKey == null || !KEY.matcher(requestKey).matches()) {
            throw refused("key", "This form has no valid one-time key: reload the page and try again.");
        }
        if (!properties.enabled()) {
            throw refused("pack", "Card payments are not available on this site.");
        }
        Optional<Payment> replayed = payments.findByRequestKey(requestKey);
        if (replayed.isPresent()) {
            return replay(user, replayed.get());
        }
        Payment payment = insert(user, pack, requestKey);
        try {
            Session session = create(user, pack, payment);
            Payment open = tx.execute(status -> {
                rows.saveCheckoutUrl(payment.id(), session.getUrl());
                return payments.transition(payment.id(), PaymentState.CHECKOUT_OPEN, PaymentState.CHECKOUT_OPEN,
                        "provider_reference = ?", session.getId()).orElse(payment);
            });
            log.info("Opened Stripe Checkout Session {} for payment {} of user {}", session.getId(),
                    payment.reference(), user.id());
            return new Started(open, session.getUrl());
        } catch (StripeException | RuntimeException e) {
            payments.transition(payment.id(), PaymentState.CHECKOUT_OPEN, PaymentState.EXPIRED, "");
            log.warn("Stripe refused the Checkout Session of payment {}: {}", payment.reference(), e.toString());
            throw new CheckoutUnavailableException(e);
        }
    }

    private Started replay(SignedInUser user, Payment payment) {
        if (payment.userId() != user.id() || payment.provider() != PaymentProvider.STRIPE) {
            throw refused("key", "This form has no valid one-time key: reload the page and try again.");
        }
        String url = payment.state() == PaymentState.CHECKOUT_OPEN ? rows.checkoutUrl(payment.id()).orElse(null) : null;
        return new Started(payment, url != null ? url : "/payments/" + payment.reference());
    }

    private Payment insert(SignedInUser user, Pack pack, String requestKey) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> payments.insert(user.id(), PaymentProvider.STRIPE, PaymentState.CHECKOUT_OPEN,
                                PaymentReferences.next(), requestKey, pack, clock.instant().plus(SESSION_LIFETIME))
                        .orElseThrow(() -> refused("key", "This form was sent twice at once: open Your payments.")));
            } catch (DuplicateKeyException e) { // a reference drawn twice: 1 in 10^15; draw again
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private Session create(SignedInUser user, Pack pack, Payment payment) throws StripeException {
        Map<String, String> metadata = Map.of("payment_id", Long.toString(payment.id()), "user_id",
                Long.toString(user.id()), "pack_id", pack.id(), "reference", payment.reference());
        SessionCreateParams.Builder params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .addLineItem(SessionCreateParams.LineItem.builder().setQuantity(1L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency(pack.currency().toLowerCase(Locale.ROOT))
                                .setUnitAmount(pack.priceMinor())
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName(pack.name() + " (" + pack.credits() + " credits)").build())
                                .build())
                        .build())
                .setClientReferenceId(payment.reference())
                .putAllMetadata(metadata)
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder().putAllMetadata(metadata).build())
                .setSuccessUrl(site.link("/payments/" + payment.reference()))
                .setCancelUrl(site.link("/buy"));
        Optional<String> customer = rows.customerOf(user.id());
        if (customer.isPresent()) {
            params.setCustomer(customer.get());
        } else {
            params.setCustomerCreation(SessionCreateParams.CustomerCreation.ALWAYS).setCustomerEmail(user.email());
        }
        return client.v1().checkout().sessions().create(params.build(),
                RequestOptions.builder().setIdempotencyKey("checkout-" + payment.reference()).build());
    }

    private static InvalidInputException refused(String field, String message) {
        return new InvalidInputException(Map.of(field, message));
    }
}
