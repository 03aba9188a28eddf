package org.text2image.server.payments.stripe;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.util.HtmlUtils;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.payments.Money;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Subscription;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.SiteProperties;

/**
 * What a verified Stripe event about a plan subscription does, in the webhook's transaction
 * ({@link StripeWebhook}); the plan terms change only through {@link PlanTerms}. The events and the
 * fields read (Stripe API reference; both the invoice shape of API versions from 2025-03-31 on,
 * {@code parent.subscription_details}, and the older top-level {@code subscription} /
 * {@code subscription_details} are accepted):
 *
 * <ul>
 *   <li>{@code checkout.session.completed} (mode {@code subscription}): links the Session's
 *       {@code subscription} to its checkout and keeps the {@code customer}. No credits here.
 *   <li>{@code invoice.paid}: the invoice's subscription line that is not a proration names the
 *       plan and period (its price's product, {@link PlanProducts}) and the period
 *       ({@code period.start}, {@code period.end}): {@link PlanTerms#stripePeriodPaid} grants its
 *       credits once (ledger key {@code stripe-invoice:<invoice id>}).
 *   <li>{@code customer.subscription.updated}: {@code cancel_at_period_end} (or a {@code cancel_at})
 *       and the plan of its item → {@link PlanTerms#stripeUpdated}.
 *   <li>{@code customer.subscription.deleted}: {@code ended_at} (else the item's
 *       {@code current_period_end}) → {@link PlanTerms#stripeEnded}.
 *   <li>{@code invoice.payment_failed}: mails the admins at every failed attempt, and the user at the
 *       first ({@code attempt_count} 1) and at the last ({@code next_payment_attempt} null: Stripe will
 *       not retry, as for India-issued cards), with when Stripe tries again.
 * </ul>
 *
 * A subscription is ours when a checkout row has its id, or when its metadata names one of our
 * checkouts ({@code checkout_id}, with the same {@code user_id}); an event about any other
 * subscription is ignored. An event that names our checkout but does not match it, or lacks a
 * field the rules need, is refused and nothing is written.
 */
@Component
class StripeSubscriptionEvents {

    private static final Logger log = LoggerFactory.getLogger(StripeSubscriptionEvents.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final StripeSubscriptionRows rows;
    private final StripeRows stripe;
    private final PlanTerms terms;
    private final UserPlans plans;
    private final AccountService accounts;
    private final MailOutbox outbox;
    private final SiteProperties site;

    StripeSubscriptionEvents(StripeSubscriptionRows rows, StripeRows stripe, PlanTerms terms, UserPlans plans,
                             AccountService accounts, MailOutbox outbox, SiteProperties site) {
        this.rows = rows;
        this.stripe = stripe;
        this.terms = terms;
        this.plans = plans;
        this.accounts = accounts;
        this.outbox = outbox;
        this.site = site;
    }

    /**
     * A completed Checkout Session in subscription mode: its checkout becomes ACTIVE with the
     * subscription (a checkout linked to it already, or ended since, stays as it is).
     *
     * @return false when the Session is none of ours
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean checkoutCompleted(JsonObject session) {
        Optional<StripeSubscriptionRows.Checkout> found = checkoutOfSession(session);
        if (found.isEmpty()) {
            return false;
        }
        StripeSubscriptionRows.Checkout checkout = found.get();
        String subscriptionId = idOf(session.get("subscription"));
        if (subscriptionId == null || !subscriptionId.startsWith("sub_")) {
            throw new WebhookRefusedException("Session " + checkout.sessionId() + " has no subscription.");
        }
        if (!subscriptionId.equals(checkout.subscriptionId()) && !rows.activate(checkout.id(), subscriptionId)) {
            throw new WebhookRefusedException("Checkout " + checkout.id() + " is " + checkout.state()
                    + " with another subscription.");
        }
        String customer = idOf(session.get("customer"));
        if (customer != null) {
            stripe.saveCustomer(checkout.userId(), customer);
        }
        log.info("Stripe subscription {} of user {} started by checkout {} ({} {})", subscriptionId, checkout.userId(),
                checkout.id(), checkout.planId(), checkout.period().key());
        return true;
    }

    /**
     * An expired Checkout Session in subscription mode: its open checkout expires.
     *
     * @return false when the Session is none of ours
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean checkoutExpired(JsonObject session) {
        Optional<StripeSubscriptionRows.Checkout> found = checkoutOfSession(session);
        found.ifPresent(checkout -> rows.expired(checkout.id()));
        return found.isPresent();
    }

    /**
     * A paid invoice of one of our subscriptions: the period's plan and credits.
     *
     * @return false when the invoice is about none of our subscriptions
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean invoicePaid(JsonObject invoice) {
        String invoiceId = invoiceId(invoice);
        Optional<StripeSubscriptionRows.Checkout> found = checkoutOfInvoice(invoice);
        if (found.isEmpty()) {
            return false;
        }
        StripeSubscriptionRows.Checkout checkout = found.get();
        String subscriptionId = subscriptionOfInvoice(invoice);
        Optional<JsonObject> line = periodLine(invoice);
        if (line.isEmpty()) {
            log.info("Stripe invoice {} of subscription {} bills no period (prorations only): no credits", invoiceId,
                    subscriptionId);
            return true;
        }
        PlanProducts.PlanAndPeriod billed = PlanProducts.parse(productOfLine(line.get()))
                .orElse(new PlanProducts.PlanAndPeriod(checkout.planId(), checkout.period()));
        Plan plan = plans.catalogue().find(billed.planId()).filter(p -> !p.free())
                .orElseThrow(() -> new WebhookRefusedException("Invoice " + invoiceId + " bills plan " + billed.planId()
                        + ", which is not a paid plan of this site."));
        JsonObject period = object(line.get(), "period");
        Long start = number(period, "start");
        Long end = number(period, "end");
        if (start == null || end == null || end <= start) {
            throw new WebhookRefusedException("Invoice " + invoiceId + " has no period.");
        }
        if (checkout.subscriptionId() == null && !rows.activate(checkout.id(), subscriptionId)) {
            throw new WebhookRefusedException("Checkout " + checkout.id() + " belongs to another subscription.");
        }
        terms.stripePeriodPaid(checkout.userId(), plan, billed.period(), subscriptionId, Instant.ofEpochSecond(start),
                Instant.ofEpochSecond(end), invoiceId);
        return true;
    }

    /**
     * A failed invoice payment of one of our subscriptions: mails the user and the admins.
     *
     * @return false when the invoice is about none of our subscriptions
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean invoicePaymentFailed(JsonObject invoice) {
        String invoiceId = invoiceId(invoice);
        Optional<StripeSubscriptionRows.Checkout> found = checkoutOfInvoice(invoice);
        if (found.isEmpty()) {
            return false;
        }
        StripeSubscriptionRows.Checkout checkout = found.get();
        SignedInUser user = accounts.find(checkout.userId())
                .orElseThrow(() -> new WebhookRefusedException("No user " + checkout.userId()));
        String planId = periodLine(invoice).map(StripeSubscriptionEvents::productOfLine).flatMap(PlanProducts::parse)
                .map(PlanProducts.PlanAndPeriod::planId).orElse(checkout.planId());
        String planName = plans.catalogue().find(planId).map(Plan::name).orElse(planId);
        Long due = number(invoice, "amount_due");
        String currency = text(invoice, "currency");
        String amount = due != null && currency != null && Money.knownCurrency(currency.toUpperCase(Locale.ROOT))
                ? Money.format(due, currency.toUpperCase(Locale.ROOT)) : "the amount due";
        String number = text(invoice, "number") != null ? text(invoice, "number") : invoiceId;
        Optional<Subscription> term = plans.subscription(user.id())
                .filter(s -> subscriptionOfInvoice(invoice).equals(s.stripeSubscriptionId()));
        String until = term.map(s -> "Your " + planName + " plan stays active until " + DAY.format(s.paidUntil())
                        + ", the end of the period you paid for.")
                .orElse("Your plan stays active until the end of the period you paid for.");
        Long attempts = number(invoice, "attempt_count");
        Long next = number(invoice, "next_payment_attempt");
        String retry = next != null
                ? "Stripe tries the card again on " + DAY.format(Instant.ofEpochSecond(next)) + ". To keep your plan, "
                        + "update your card from the Billing page (Manage payment details). If every attempt fails, the "
                        + "plan ends and you are on the free plan."
                : "Stripe will not try this card again for this invoice. To keep your plan, update your card and pay "
                        + "the invoice from the Billing page (Manage payment details); otherwise the plan ends with the "
                        + "period you paid for and you are on the free plan.";
        // The user hears of the first failure and of the last (no retry left), not of each retry between.
        if (attempts == null || attempts <= 1 || next == null) {
            mail(user, "Your card payment for the " + planName + " plan failed", List.of(
                    "We could not charge your card " + amount + " for the " + planName + " plan (invoice " + number + ").",
                    until, retry), site.link("/billing"), "Your billing");
        }
        for (SignedInUser admin : accounts.admins()) {
            mail(admin, "Card payment failed: " + user.email() + ", " + planName + " plan", List.of(
                    "Stripe could not charge " + user.email() + " (user " + user.id() + ") " + amount + " for the "
                            + planName + " plan: invoice " + number + " (" + invoiceId + "), subscription "
                            + subscriptionOfInvoice(invoice) + (attempts != null ? ", attempt " + attempts : "") + ".",
                    term.map(s -> "Their plan runs until " + DAY.format(s.paidUntil()) + ".").orElse("They have no paid term now."),
                    (next != null ? "Stripe tries again on " + DAY.format(Instant.ofEpochSecond(next))
                            : "Stripe will not try again for this invoice")
                            + (attempts == null || attempts <= 1 || next == null ? "; the user was mailed."
                            : "; the user was mailed at the first failure and will be at the last.")),
                    site.link("/admin/users"), "Users");
        }
        log.warn("Stripe invoice {} of user {} failed ({} {})", invoiceId, user.id(), amount, planName);
        return true;
    }

    /**
     * A subscription changed at Stripe: whether it renews and the plan it bills from the next period.
     *
     * @return false when the subscription is none of ours
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean subscriptionUpdated(JsonObject subscription) {
        String subscriptionId = subscriptionId(subscription);
        if (!ours(subscriptionId, subscription)) {
            return false;
        }
        boolean cancelling = Boolean.TRUE.equals(bool(subscription, "cancel_at_period_end"))
                || number(subscription, "cancel_at") != null;
        updated(subscriptionId, cancelling, productOfSubscription(subscription));
        return true;
    }

    /**
     * A subscription's state as Stripe answered it (a webhook, or an API call of the Billing page)
     * applied to its term.
     *
     * @param productId the product of its item's price, or null
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void updated(String subscriptionId, boolean cancelAtPeriodEnd, String productId) {
        Optional<PlanProducts.PlanAndPeriod> billed = PlanProducts.parse(productId);
        Plan next = billed.flatMap(b -> plans.catalogue().find(b.planId())).filter(p -> !p.free()).orElse(null);
        BillingPeriod nextPeriod = billed.map(PlanProducts.PlanAndPeriod::period).orElse(null);
        boolean found = terms.stripeUpdated(subscriptionId, cancelAtPeriodEnd, next, next == null ? null : nextPeriod);
        log.info("Stripe subscription {} updated (cancel at period end {}, item {}): {}", subscriptionId,
                cancelAtPeriodEnd, productId, found ? "term changed" : "no term yet");
    }

    /**
     * A subscription ended at Stripe: the plan runs until it ended (at most to the end of the paid period).
     *
     * @return false when the subscription is none of ours
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean subscriptionDeleted(JsonObject subscription) {
        String subscriptionId = subscriptionId(subscription);
        if (!ours(subscriptionId, subscription)) {
            return false;
        }
        Long ended = number(subscription, "ended_at");
        if (ended == null) {
            ended = firstItem(subscription).map(item -> number(item, "current_period_end"))
                    .orElse(number(subscription, "current_period_end"));
        }
        if (ended == null) {
            throw new WebhookRefusedException("Subscription " + subscriptionId + " has no end.");
        }
        terms.stripeEnded(subscriptionId, Instant.ofEpochSecond(ended));
        rows.ended(subscriptionId);
        return true;
    }

    // --- matching events to our checkouts ---

    private Optional<StripeSubscriptionRows.Checkout> checkoutOfSession(JsonObject session) {
        String sessionId = text(session, "id");
        if (sessionId == null || !sessionId.startsWith("cs_")) {
            throw new WebhookRefusedException("The event's object is not a Checkout Session.");
        }
        JsonObject metadata = object(session, "metadata");
        Optional<StripeSubscriptionRows.Checkout> found = rows.bySession(sessionId);
        if (found.isEmpty()) {
            if (text(metadata, "checkout_id") != null) {
                throw new WebhookRefusedException("Session " + sessionId + " names a checkout of this site it is not.");
            }
            return Optional.empty();
        }
        StripeSubscriptionRows.Checkout checkout = found.get();
        if (!Long.toString(checkout.userId()).equals(text(metadata, "user_id"))
                || !Long.toString(checkout.id()).equals(text(metadata, "checkout_id"))) {
            throw new WebhookRefusedException("Session " + sessionId + ": user or checkout does not match checkout "
                    + checkout.id() + ".");
        }
        return found;
    }

    private Optional<StripeSubscriptionRows.Checkout> checkoutOfInvoice(JsonObject invoice) {
        String subscriptionId = subscriptionOfInvoice(invoice);
        if (subscriptionId == null) {
            return Optional.empty(); // not a subscription's invoice
        }
        return checkoutOf(subscriptionId, invoiceMetadata(invoice));
    }

    /** Whether a subscription object is about one of our subscriptions. */
    private boolean ours(String subscriptionId, JsonObject subscription) {
        return checkoutOf(subscriptionId, object(subscription, "metadata")).isPresent();
    }

    /** Our checkout of a subscription: by its id, or by the checkout its metadata names (same user). */
    private Optional<StripeSubscriptionRows.Checkout> checkoutOf(String subscriptionId, JsonObject metadata) {
        Optional<StripeSubscriptionRows.Checkout> linked = rows.bySubscription(subscriptionId);
        String named = text(metadata, "checkout_id");
        if (linked.isPresent()) {
            if (named != null && !named.equals(Long.toString(linked.get().id()))) {
                throw new WebhookRefusedException("Subscription " + subscriptionId + " names another checkout.");
            }
            return linked;
        }
        if (named == null) {
            return Optional.empty();
        }
        StripeSubscriptionRows.Checkout checkout = number(named).flatMap(rows::byId)
                .orElseThrow(() -> new WebhookRefusedException("Subscription " + subscriptionId
                        + " names checkout " + named + ", which this site does not have."));
        if (!Long.toString(checkout.userId()).equals(text(metadata, "user_id"))
                || (checkout.subscriptionId() != null && !checkout.subscriptionId().equals(subscriptionId))) {
            throw new WebhookRefusedException("Subscription " + subscriptionId + " does not match checkout " + named + ".");
        }
        return Optional.of(checkout);
    }

    private static String invoiceId(JsonObject invoice) {
        String id = text(invoice, "id");
        if (id == null || !id.startsWith("in_")) {
            throw new WebhookRefusedException("The event's object is not an invoice.");
        }
        return id;
    }

    private static String subscriptionId(JsonObject subscription) {
        String id = text(subscription, "id");
        if (id == null || !id.startsWith("sub_")) {
            throw new WebhookRefusedException("The event's object is not a subscription.");
        }
        return id;
    }

    /** {@code parent.subscription_details.subscription}, or the older top-level {@code subscription}. */
    static String subscriptionOfInvoice(JsonObject invoice) {
        String id = idOf(object(object(invoice, "parent"), "subscription_details").get("subscription"));
        return id != null ? id : idOf(invoice.get("subscription"));
    }

    /** {@code parent.subscription_details.metadata}, or the older {@code subscription_details.metadata}. */
    private static JsonObject invoiceMetadata(JsonObject invoice) {
        JsonObject details = object(object(invoice, "parent"), "subscription_details");
        if (details.entrySet().isEmpty()) {
            details = object(invoice, "subscription_details");
        }
        return object(details, "metadata");
    }

    /**
     * The invoice's line that bills a subscription period: a subscription item's line that is not a
     * proration ({@code parent.subscription_item_details.proration}, or the older {@code type}
     * {@code subscription} and {@code proration}), the latest-ending if several.
     */
    private static Optional<JsonObject> periodLine(JsonObject invoice) {
        JsonElement data = object(invoice, "lines").get("data");
        JsonObject best = null;
        if (data instanceof JsonArray lines) {
            for (JsonElement element : lines) {
                if (!(element instanceof JsonObject line)) {
                    continue;
                }
                JsonObject details = object(object(line, "parent"), "subscription_item_details");
                boolean subscriptionLine = !details.entrySet().isEmpty() || "subscription".equals(text(line, "type"));
                boolean proration = Boolean.TRUE.equals(bool(details, "proration")) || Boolean.TRUE.equals(bool(line, "proration"));
                Long end = number(object(line, "period"), "end");
                if (subscriptionLine && !proration && end != null
                        && (best == null || end > number(object(best, "period"), "end"))) {
                    best = line;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code pricing.price_details.product}, or the older {@code price.product}. */
    private static String productOfLine(JsonObject line) {
        String product = idOf(object(object(line, "pricing"), "price_details").get("product"));
        return product != null ? product : idOf(object(line, "price").get("product"));
    }

    /** The product of the subscription's (first) item's price. */
    private static String productOfSubscription(JsonObject subscription) {
        return firstItem(subscription).map(item -> idOf(object(item, "price").get("product"))).orElse(null);
    }

    private static Optional<JsonObject> firstItem(JsonObject subscription) {
        JsonElement data = object(subscription, "items").get("data");
        return data instanceof JsonArray items && !items.isEmpty() && items.get(0) instanceof JsonObject item
                ? Optional.of(item) : Optional.empty();
    }

    // --- JSON ---

    /** A nested object; an empty one when absent or not an object. */
    static JsonObject object(JsonObject parent, String field) {
        return parent != null && parent.get(field) instanceof JsonObject child ? child : new JsonObject();
    }

    static String text(JsonObject object, String field) {
        return object == null ? null : StripeWebhook.text(object, field);
    }

    /** An expandable field's id: the string, or the expanded object's {@code id}. */
    static String idOf(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (value instanceof JsonObject expanded) {
            return text(expanded, "id");
        }
        return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() ? value.getAsString() : null;
    }

    static Long number(JsonObject object, String field) {
        JsonElement value = object == null ? null : object.get(field);
        try {
            return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
                    ? value.getAsBigDecimal().longValueExact() : null;
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private static Boolean bool(JsonObject object, String field) {
        JsonElement value = object == null ? null : object.get(field);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean() ? value.getAsBoolean() : null;
    }

    private static Optional<Long> number(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A mail as plain text and HTML, to the outbox in the event's transaction. */
    private void mail(SignedInUser to, String subject, List<String> paragraphs, String link, String linkText) {
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family: sans-serif\">");
        for (String paragraph : paragraphs) {
            text.append(paragraph).append("\n\n");
            html.append("<p>").append(HtmlUtils.htmlEscape(paragraph)).append("</p>");
        }
        text.append(linkText).append(": ").append(link).append("\n\n— Text2Image\n");
        html.append("<p><a href=\"").append(HtmlUtils.htmlEscape(link)).append("\">").append(HtmlUtils.htmlEscape(linkText))
                .append("</a></p><p>— Text2Image</p></body></html>");
        outbox.enqueue(to.id(), to.email(), subject, text.toString(), html.toString());
    }
}
