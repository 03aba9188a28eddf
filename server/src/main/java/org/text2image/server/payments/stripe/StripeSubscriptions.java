package org.text2image.server.payments.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.ProductCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.SiteProperties;

/**
 * Plans paid by card (docs/PLANS.md, "Subscribing by card (Stripe)"): the Billing page's actions,
 * each one call (or two) to Stripe's API made outside any transaction, then the site's record of it.
 * Plan terms and credits change only when Stripe's signed events arrive ({@link StripeSubscriptionEvents}),
 * except that a change Stripe confirmed (cancel, resume, a scheduled downgrade) is applied to the
 * term at once, the same way its {@code customer.subscription.updated} event applies it.
 *
 * <ul>
 *   <li>{@link #open}: a Checkout Session in {@code subscription} mode for the plan's price per week
 *       or per year ({@code line_items[0].price_data} with {@code recurring.interval} {@code week} or
 *       {@code year}, the plan's currency and minor amount, the plan's product ({@link PlanProducts})),
 *       metadata {@code checkout_id}, {@code user_id}, {@code plan_id}, {@code billing_period} on the
 *       Session and on {@code subscription_data}; the user's Stripe customer when known, else their
 *       email (Stripe creates a customer in subscription mode); success URL {@code /billing}, cancel
 *       URL {@code /pricing}.
 *   <li>{@link #change}: an upgrade (a dearer plan by its weekly price, or the same plan from weekly to
 *       yearly) replaces the item's price now with {@code proration_behavior=always_invoice},
 *       {@code billing_cycle_anchor=now} and {@code payment_behavior=pending_if_incomplete}: Stripe
 *       invoices the new period at once (credit for the unused time deducted) and applies the change
 *       only once that invoice is paid; its {@code invoice.paid} grants the new plan's credits. A
 *       downgrade (same billing period) replaces the price with {@code proration_behavior=none}: the
 *       current period is unchanged and the next invoice bills the new plan. Choosing the current
 *       plan again takes back a scheduled downgrade.
 *   <li>{@link #cancel} / {@link #resume}: {@code cancel_at_period_end} true or false.
 *   <li>{@link #portal}: a customer portal session ({@code billing_portal/sessions}, return URL {@code /billing}).
 * </ul>
 */
@Service
public class StripeSubscriptions {

    private static final Logger log = LoggerFactory.getLogger(StripeSubscriptions.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    /** An OPENING checkout older than this was cut off (a crash between the row and the Session): it blocks no new one. */
    private static final Duration OPENING_CUT_OFF = Duration.ofMinutes(5);
    private static final String INVALID_KEY = "This form has no valid one-time key: reload the page and try again.";

    private final StripeProperties properties;
    private final StripeSubscriptionRows rows;
    private final StripeRows stripe;
    private final StripeSubscriptionEvents events;
    private final UserPlans plans;
    private final SiteProperties site;
    private final TransactionTemplate tx;
    private final StripeClient client;
    private final AccountDirectory accounts;
    private final Clock clock;
    private final Set<String> products = ConcurrentHashMap.newKeySet();

    StripeSubscriptions(StripeProperties properties, StripeSubscriptionRows rows, StripeRows stripe,
                        StripeSubscriptionEvents events, UserPlans plans, SiteProperties site, TransactionTemplate tx,
                        AccountDirectory accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
        this.properties = properties;
        this.rows = rows;
        this.stripe = stripe;
        this.events = events;
        this.plans = plans;
        this.site = site;
        this.tx = tx;
        this.client = properties.enabled() ? StripeClient.builder().setApiKey(properties.secretKey())
                .setApiBase(properties.apiBase().toString().replaceAll("/+$", "")).build() : null;
    }

    /** Whether plans can be paid by card here (the Stripe keys are set). */
    public boolean enabled() {
        return properties.enabled();
    }

    /** Whether the user has a subscription by card that runs (then they change it rather than subscribe again). */
    public boolean subscribes(long userId) {
        return tx.execute(status -> rows.activeOf(userId)).isPresent();
    }

    /**
     * Ends the user's card subscription at Stripe at once, for an account about to be deleted: Stripe
     * charges nothing more. The local rows follow when Stripe's {@code customer.subscription.deleted}
     * arrives (by then the account's term is gone, so it changes nothing else).
     *
     * @return true when a subscription was cancelled; false when the user has none (or Stripe is not configured)
     * @throws StripeBillingException when Stripe refused or could not be reached: the account must not
     *     be deleted while Stripe may still charge it
     */
    public boolean cancelForDeletion(long userId) {
        if (!properties.enabled()) {
            return false;
        }
        Optional<StripeSubscriptionRows.Checkout> active = tx.execute(status -> rows.activeOf(userId));
        if (active.isEmpty()) {
            return false;
        }
        try {
            client.v1().subscriptions().cancel(active.get().subscriptionId());
            log.info("Cancelled Stripe subscription {} of user {}, whose account is being deleted",
                    active.get().subscriptionId(), userId);
            return true;
        } catch (StripeException e) {
            log.warn("Stripe refused to cancel subscription {} of user {}: {}", active.get().subscriptionId(), userId,
                    e.toString());
            throw new StripeBillingException("Stripe could not cancel this user's card subscription, so the account was"
                    + " not deleted (Stripe would go on charging it). Try again in a few minutes.", e);
        }
    }

    /**
     * Opens a Checkout Session for the plan, once per form key: the same key again leads to the
     * Session it opened. A user has at most one checkout that can be paid: the user's earlier open
     * Sessions (another tab, an abandoned checkout) are expired at Stripe first, so two checkouts
     * never make two subscriptions. The check and the new row are one step under the user's row lock.
     *
     * @param periodKey {@code weekly} or {@code yearly}
     * @return where to send the browser: Stripe's hosted page, or {@code /billing} when the key's
     *     checkout is no longer open
     * @throws InvalidInputException ({@code key}) for a malformed key or another user's; ({@code plan})
     *     for an unknown or free plan, Stripe not configured, a user who subscribes by card already,
     *     another checkout of the user being opened at this moment, or an earlier checkout just paid;
     *     ({@code period}) for a period other than weekly or yearly
     * @throws CheckoutUnavailableException when Stripe refused or could not be reached (nothing is charged)
     */
    public String open(SignedInUser user, String planId, String periodKey, String requestKey) {
        requireKey(requestKey);
        requireEnabled();
        Optional<StripeSubscriptionRows.Checkout> replayed = tx.execute(status -> rows.byRequestKey(requestKey));
        if (replayed.isPresent()) {
            return replay(user, replayed.get());
        }
        Plan plan = paidPlan(planId);
        BillingPeriod period = period(periodKey);
        if (subscribes(user.id())) {
            throw refused("plan", "You already pay for a plan by card: change it here instead of subscribing again.");
        }
        long amount = period.of(plan.priceMinor());
        Opening opening = tx.execute(status -> {
            accounts.lock(user.id());
            Optional<StripeSubscriptionRows.Checkout> again = rows.byRequestKey(requestKey);
            if (again.isPresent()) { // the same form, sent twice at once
                return new Opening(again.get(), true, List.of());
            }
            List<StripeSubscriptionRows.Checkout> earlier = rows.payableOf(user.id(),
                    OffsetDateTime.now(clock).minus(OPENING_CUT_OFF));
            if (earlier.stream().anyMatch(c -> c.state() == StripeSubscriptionRows.State.OPENING)) {
                return null;
            }
            return new Opening(rows.insert(requestKey, user.id(), plan.id(), period, plan.currency(), amount)
                    .orElseThrow(), false, earlier);
        });
        if (opening == null) {
            throw refused("plan", "Another checkout is being opened for you right now: wait a moment, then try again.");
        }
        if (opening.replayed()) {
            return replay(user, opening.checkout());
        }
        StripeSubscriptionRows.Checkout checkout = opening.checkout();
        expireEarlier(user, checkout, opening.earlier());
        try {
            Session session = createSession(user, plan, period, checkout);
            tx.executeWithoutResult(status -> rows.opened(checkout.id(), session.getId(), session.getUrl()));
            log.info("Opened Stripe subscription checkout {} (Session {}) for user {}: {} {}", checkout.id(),
                    session.getId(), user.id(), plan.id(), period.key());
            return session.getUrl();
        } catch (StripeException | RuntimeException e) {
            tx.executeWithoutResult(status -> rows.failed(checkout.id()));
            log.warn("Stripe refused the subscription checkout {} of user {}: {}", checkout.id(), user.id(), e.toString());
            throw new CheckoutUnavailableException(e);
        }
    }

    /**
     * Changes the plan of the user's subscription by card, once per form key.
     *
     * @return the notice for the user
     * @throws InvalidInputException for a bad key, plan or period, no subscription by card, the
     *     plan and period it already has, or a change of billing period that is not an upgrade
     * @throws StripeBillingException when Stripe refused, could not be reached, or could not take the payment
     */
    public String change(SignedInUser user, String planId, String periodKey, String requestKey) {
        requireKey(requestKey);
        requireEnabled();
        Optional<StripeSubscriptionRows.Change> replayed = tx.execute(status -> rows.changeByKey(requestKey));
        if (replayed.isPresent()) {
            if (replayed.get().userId() != user.id()) {
                throw refused("key", INVALID_KEY);
            }
            return "This change was made already.";
        }
        Plan target = paidPlan(planId);
        BillingPeriod period = period(periodKey);
        StripeSubscriptionRows.Checkout active = activeSubscription(user);
        String subscriptionId = active.subscriptionId();
        Optional<org.text2image.server.plans.Subscription> term = plans.subscription(user.id())
                .filter(s -> subscriptionId.equals(s.stripeSubscriptionId()));
        String currentPlanId = term.map(org.text2image.server.plans.Subscription::planId).orElse(active.planId());
        BillingPeriod currentPeriod = term.map(org.text2image.server.plans.Subscription::period).orElse(active.period());
        Plan current = plans.catalogue().find(currentPlanId).orElseGet(() -> plans.catalogue().defaultPlan());
        try {
            Subscription subscription = client.v1().subscriptions().retrieve(subscriptionId);
            SubscriptionItem item = subscription.getItems() == null || subscription.getItems().getData().isEmpty()
                    ? null : subscription.getItems().getData().getFirst();
            if (item == null) {
                throw new StripeBillingException("Stripe shows no plan on your subscription; nothing changed.", null);
            }
            Optional<PlanProducts.PlanAndPeriod> billed = PlanProducts.parse(item.getPrice() == null ? null
                    : item.getPrice().getProduct());
            boolean sameAsBilled = billed.map(b -> b.planId().equals(target.id()) && b.period() == period).orElse(false);
            boolean sameAsTerm = current.id().equals(target.id()) && currentPeriod == period;
            StripeSubscriptionRows.ChangeKind kind;
            if (sameAsBilled) {
                throw refused("plan", "Your subscription is already on the " + target.name() + " plan, " + period.key() + ".");
            } else if (sameAsTerm) {
                kind = StripeSubscriptionRows.ChangeKind.REVERT;
            } else if (Plans.isUpgrade(current, target) || (current.id().equals(target.id())
                    && currentPeriod == BillingPeriod.WEEKLY && period == BillingPeriod.YEARLY)) {
                kind = StripeSubscriptionRows.ChangeKind.UPGRADE;
            } else if (period == currentPeriod) {
                kind = StripeSubscriptionRows.ChangeKind.DOWNGRADE;
            } else {
                throw refused("period", "A cheaper plan keeps your billing period (" + currentPeriod.key() + "). To pay "
                        + period.key() + ", cancel, and subscribe again when your paid period ends.");
            }
            ensureProduct(target, period);
            Subscription updated = client.v1().subscriptions().update(subscriptionId,
                    changeParams(user, active, target, period, item.getId(), kind),
                    RequestOptions.builder().setIdempotencyKey("plan-change-" + requestKey).build());
            if (updated.getPendingUpdate() != null) {
                throw new StripeBillingException("Your card was not charged for the upgrade (the payment was declined "
                        + "or needs your confirmation), so your plan is unchanged. Check your card under Manage "
                        + "payment details and try again.", null);
            }
            tx.executeWithoutResult(status -> {
                rows.recordChange(requestKey, user.id(), subscriptionId, target.id(), period, kind);
                events.updated(subscriptionId, Boolean.TRUE.equals(updated.getCancelAtPeriodEnd()), productOf(updated));
            });
            log.info("User {} changed Stripe subscription {} to {} {} ({})", user.id(), subscriptionId, target.id(),
                    period.key(), kind);
            String until = term.map(s -> DAY.format(s.paidUntil())).orElse("the end of the paid period");
            return switch (kind) {
                case UPGRADE -> "You are moving to the " + target.name() + " plan now. Your card is charged for the "
                        + "new " + period.noun() + " (less the unused time of your current plan), and its credits "
                        + "arrive as soon as Stripe confirms the payment.";
                case DOWNGRADE -> "Your plan changes to " + target.name() + " on " + until + ". Until then you keep "
                        + current.name() + ".";
                case REVERT -> "You stay on the " + current.name() + " plan; the scheduled change is cancelled.";
            };
        } catch (StripeException e) {
            log.warn("Stripe refused the plan change of user {} ({}): {}", user.id(), subscriptionId, e.toString());
            throw new StripeBillingException("Stripe could not change your plan; nothing changed. Try again in a few "
                    + "minutes.", e);
        }
    }

    /**
     * Stops the user's subscription by card from renewing: the plan runs to the end of the paid period.
     *
     * @return the notice for the user
     */
    public String cancel(SignedInUser user) {
        return renew(user, false);
    }

    /**
     * Takes back a cancellation: the subscription renews again.
     *
     * @return the notice for the user
     */
    public String resume(SignedInUser user) {
        return renew(user, true);
    }

    /**
     * A customer portal session for the user's Stripe customer (payment methods, invoices).
     *
     * @return the portal's address
     * @throws InvalidInputException ({@code plan}) when Stripe is not configured or the user never paid by card
     * @throws StripeBillingException when Stripe refused or could not be reached
     */
    public String portal(SignedInUser user) {
        requireEnabled();
        String customer = tx.execute(status -> stripe.customerOf(user.id())).orElseThrow(() ->
                refused("plan", "You have no card payments with us yet, so there are no payment details to manage."));
        try {
            return client.v1().billingPortal().sessions().create(com.stripe.param.billingportal.SessionCreateParams
                    .builder().setCustomer(customer).setReturnUrl(site.link("/billing")).build()).getUrl();
        } catch (StripeException e) {
            log.warn("Stripe refused a portal session for user {}: {}", user.id(), e.toString());
            throw new StripeBillingException("Stripe's page for your payment details is unavailable at the moment. "
                    + "Try again in a few minutes.", e);
        }
    }

    private String renew(SignedInUser user, boolean renews) {
        requireEnabled();
        StripeSubscriptionRows.Checkout active = activeSubscription(user);
        try {
            Subscription updated = client.v1().subscriptions().update(active.subscriptionId(),
                    SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(!renews).build());
            tx.executeWithoutResult(status -> events.updated(active.subscriptionId(),
                    Boolean.TRUE.equals(updated.getCancelAtPeriodEnd()), productOf(updated)));
            String until = plans.subscription(user.id()).map(s -> DAY.format(s.paidUntil())).orElse("the end of the paid period");
            log.info("User {} {} Stripe subscription {}", user.id(), renews ? "resumed" : "cancelled", active.subscriptionId());
            return renews ? "Your plan renews again." : "Your plan will not renew: it runs until " + until
                    + ", then you are on the free plan.";
        } catch (StripeException e) {
            log.warn("Stripe refused to {} subscription {}: {}", renews ? "resume" : "cancel", active.subscriptionId(), e.toString());
            throw new StripeBillingException("Stripe could not " + (renews ? "resume" : "cancel") + " your plan; nothing "
                    + "changed. Try again in a few minutes.", e);
        }
    }

    private SubscriptionUpdateParams changeParams(SignedInUser user, StripeSubscriptionRows.Checkout active, Plan plan,
                                                  BillingPeriod period, String itemId,
                                                  StripeSubscriptionRows.ChangeKind kind) {
        SubscriptionUpdateParams.Builder params = SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(itemId)
                        .setPriceData(SubscriptionUpdateParams.Item.PriceData.builder()
                                .setCurrency(plan.currency().toLowerCase(Locale.ROOT))
                                .setUnitAmount(period.of(plan.priceMinor()))
                                .setProduct(PlanProducts.id(plan.id(), period))
                                .setRecurring(SubscriptionUpdateParams.Item.PriceData.Recurring.builder()
                                        .setInterval(period == BillingPeriod.WEEKLY
                                                ? SubscriptionUpdateParams.Item.PriceData.Recurring.Interval.WEEK
                                                : SubscriptionUpdateParams.Item.PriceData.Recurring.Interval.YEAR)
                                        .build())
                                .build())
                        .build());
        if (kind == StripeSubscriptionRows.ChangeKind.UPGRADE) {
            // pending_if_incomplete applies the change only once its invoice is paid; it takes no metadata.
            params.setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE)
                    .setBillingCycleAnchor(SubscriptionUpdateParams.BillingCycleAnchor.NOW)
                    .setPaymentBehavior(SubscriptionUpdateParams.PaymentBehavior.PENDING_IF_INCOMPLETE);
        } else {
            params.setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.NONE)
                    .putAllMetadata(metadata(user, active.id(), plan, period));
        }
        return params.build();
    }

    private Session createSession(SignedInUser user, Plan plan, BillingPeriod period,
                                  StripeSubscriptionRows.Checkout checkout) throws StripeException {
        ensureProduct(plan, period);
        Map<String, String> metadata = metadata(user, checkout.id(), plan, period);
        SessionCreateParams.Builder params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                .addLineItem(SessionCreateParams.LineItem.builder().setQuantity(1L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency(plan.currency().toLowerCase(Locale.ROOT))
                                .setUnitAmount(period.of(plan.priceMinor()))
                                .setProduct(PlanProducts.id(plan.id(), period))
                                .setRecurring(SessionCreateParams.LineItem.PriceData.Recurring.builder()
                                        .setInterval(period == BillingPeriod.WEEKLY
                                                ? SessionCreateParams.LineItem.PriceData.Recurring.Interval.WEEK
                                                : SessionCreateParams.LineItem.PriceData.Recurring.Interval.YEAR)
                                        .build())
                                .build())
                        .build())
                .setClientReferenceId("plan-checkout-" + checkout.id())
                .putAllMetadata(metadata)
                .setSubscriptionData(SessionCreateParams.SubscriptionData.builder().putAllMetadata(metadata).build())
                .setSuccessUrl(site.link("/billing"))
                .setCancelUrl(site.link("/pricing"));
        Optional<String> customer = tx.execute(status -> stripe.customerOf(user.id()));
        if (customer.isPresent()) {
            params.setCustomer(customer.get());
        } else {
            params.setCustomerEmail(user.email());
        }
        return client.v1().checkout().sessions().create(params.build(),
                RequestOptions.builder().setIdempotencyKey("plan-checkout-" + checkout.requestKey()).build());
    }

    /**
     * Expires the user's earlier open checkouts at Stripe ({@code POST /v1/checkout/sessions/{id}/expire},
     * which only an {@code open} Session allows) and marks them EXPIRED. When Stripe refuses, the
     * Session is read: {@code expired} is marked too; {@code complete} means it was just paid, and the
     * new checkout is refused (its plan starts when Stripe's events arrive); anything else, or Stripe
     * unreachable, refuses the new checkout as unavailable. A refused new checkout is marked FAILED.
     */
    private void expireEarlier(SignedInUser user, StripeSubscriptionRows.Checkout checkout,
                               List<StripeSubscriptionRows.Checkout> earlier) {
        for (StripeSubscriptionRows.Checkout old : earlier) {
            String outcome;
            try {
                outcome = expire(old.sessionId());
            } catch (StripeException | RuntimeException e) {
                tx.executeWithoutResult(status -> rows.failed(checkout.id()));
                log.warn("Could not expire the earlier Stripe checkout {} of user {}: {}", old.id(), user.id(), e.toString());
                throw new CheckoutUnavailableException(e);
            }
            if (outcome.equals("complete")) {
                tx.executeWithoutResult(status -> rows.failed(checkout.id()));
                throw refused("plan", "You have just paid for a plan in another checkout: it starts as soon as Stripe"
                        + " confirms the payment. Reload the Billing page in a minute.");
            }
            if (!outcome.equals("expired")) {
                tx.executeWithoutResult(status -> rows.failed(checkout.id()));
                log.warn("Stripe would not expire the earlier checkout {} of user {}: its Session is {}", old.id(),
                        user.id(), outcome);
                throw new CheckoutUnavailableException(new IllegalStateException("earlier Session " + outcome));
            }
            tx.executeWithoutResult(status -> rows.expired(old.id()));
            log.info("Expired the earlier Stripe checkout {} (Session {}) of user {} before opening checkout {}",
                    old.id(), old.sessionId(), user.id(), checkout.id());
        }
    }

    /** Expires an open Session: {@code expired}, or the status of one Stripe would not expire ({@code complete}, …). */
    private String expire(String sessionId) throws StripeException {
        try {
            client.v1().checkout().sessions().expire(sessionId);
            return "expired";
        } catch (com.stripe.exception.InvalidRequestException e) {
            return String.valueOf(client.v1().checkout().sessions().retrieve(sessionId).getStatus());
        }
    }

    /** The result of the locked step of {@link #open}: the checkout, whether it is a replay, the earlier ones to expire. */
    private record Opening(StripeSubscriptionRows.Checkout checkout, boolean replayed,
                           List<StripeSubscriptionRows.Checkout> earlier) {
    }

    /**
     * Creates the plan's product at Stripe once (then remembered): a product that exists already
     * ({@code resource_already_exists}) is fine.
     */
    private void ensureProduct(Plan plan, BillingPeriod period) throws StripeException {
        String id = PlanProducts.id(plan.id(), period);
        if (products.contains(id)) {
            return;
        }
        try {
            client.v1().products().create(ProductCreateParams.builder().setId(id)
                    .setName(plan.name() + " plan (" + period.key() + ")").build());
        } catch (com.stripe.exception.InvalidRequestException e) {
            if (!"resource_already_exists".equals(e.getCode())) {
                throw e;
            }
        }
        products.add(id);
    }

    private static Map<String, String> metadata(SignedInUser user, long checkoutId, Plan plan, BillingPeriod period) {
        return Map.of("checkout_id", Long.toString(checkoutId), "user_id", Long.toString(user.id()),
                "plan_id", plan.id(), "billing_period", period.key());
    }

    private static String productOf(Subscription subscription) {
        return subscription.getItems() == null || subscription.getItems().getData().isEmpty()
                || subscription.getItems().getData().getFirst().getPrice() == null ? null
                : subscription.getItems().getData().getFirst().getPrice().getProduct();
    }

    private String replay(SignedInUser user, StripeSubscriptionRows.Checkout checkout) {
        if (checkout.userId() != user.id()) {
            throw refused("key", INVALID_KEY);
        }
        return checkout.state() == StripeSubscriptionRows.State.OPEN && checkout.checkoutUrl() != null
                ? checkout.checkoutUrl() : "/billing";
    }

    private StripeSubscriptionRows.Checkout activeSubscription(SignedInUser user) {
        return tx.execute(status -> rows.activeOf(user.id())).orElseThrow(() ->
                refused("plan", "You have no plan paid by card to change. Choose a plan to subscribe."));
    }

    private Plan paidPlan(String planId) {
        return plans.catalogue().find(planId).filter(plan -> !plan.free()).orElseThrow(() ->
                refused("plan", "There is no such paid plan. Choose one of the plans on the Pricing page."));
    }

    private static BillingPeriod period(String key) {
        return BillingPeriod.parse(key).orElseThrow(() -> refused("period", "Choose weekly or yearly billing."));
    }

    private static void requireKey(String requestKey) {
        if (requestKey == null || !StripeCheckout.KEY.matcher(requestKey).matches()) {
            throw refused("key", INVALID_KEY);
        }
    }

    private void requireEnabled() {
        if (!properties.enabled()) {
            throw refused("plan", "Card payments are not available on this site.");
        }
    }

    private static InvalidInputException refused(String field, String message) {
        return new InvalidInputException(Map.of(field, message));
    }
}
