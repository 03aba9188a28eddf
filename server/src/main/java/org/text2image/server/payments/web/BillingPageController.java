package org.text2image.server.payments.web;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Credits;
import org.text2image.server.payments.Money;
import org.text2image.server.payments.Payment;
import org.text2image.server.payments.PaymentRows;
import org.text2image.server.payments.stripe.StripeProperties;
import org.text2image.server.payments.upi.UpiPayee;
import org.text2image.server.payments.upi.UpiRequests;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.GrantedPeriod;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.Subscription;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.InvalidInputException;

/**
 * {@code /billing}: the signed-in user's plan (its period, who pays, paid until, the next grant or
 * Stripe invoice, a scheduled change, whether it renews) and the periods granted recently. With
 * {@code ?plan=<id>&period=<weekly|yearly>} (the Pricing page's Choose links) it offers to pay for
 * that plan: its price, what paying does ({@link PlanTerms#preview}, the rule of
 * {@link PlanTerms#apply}), and the ways to pay: UPI ({@code POST /billing/upi}, this class) and,
 * when Stripe is configured, a card (forms posting to the {@code /billing/stripe/*} endpoints). An
 * unknown plan or period in the query is said on the page. Flash attributes {@code notice} (shown
 * by the layout) and {@code error} are shown.
 *
 * <p>{@code POST /billing/upi} (plan, period, the price shown in minor units and its currency, a
 * one-time key) opens a UPI request for one period of the plan and answers 303 to the request's
 * page; the same key again leads to the same request. An unknown or free plan, a period other than
 * weekly or yearly, a price or currency that is not the plan's now, or a refusal of
 * {@link UpiRequests#openPlan} is shown on the Billing page (422), and nothing is written.
 */
@Controller
class BillingPageController {

    /** How many granted periods the page lists. */
    static final int PERIODS_SHOWN = 10;

    private final Plans plans;
    private final UserPlans userPlans;
    private final PlanTerms terms;
    private final UpiRequests upi;
    private final UpiPayee payee;
    private final PaymentRows payments;
    private final StripeProperties stripe;
    private final Clock clock;

    BillingPageController(Plans plans, UserPlans userPlans, PlanTerms terms, UpiRequests upi, UpiPayee payee,
                          PaymentRows payments, StripeProperties stripe, Clock clock) {
        this.plans = plans;
        this.userPlans = userPlans;
        this.terms = terms;
        this.upi = upi;
        this.payee = payee;
        this.payments = payments;
        this.stripe = stripe;
        this.clock = clock;
    }

    @GetMapping("/billing")
    String billing(@AuthenticationPrincipal SignedInUser user, @RequestParam(required = false) String plan,
                   @RequestParam(required = false) String period, Model model) {
        return show(model, user, plan, period, Map.of());
    }

    @PostMapping("/billing/upi")
    ModelAndView payWithUpi(@AuthenticationPrincipal SignedInUser user, @ModelAttribute PlanForm form, Model model) {
        try {
            Chosen chosen = choose(form.planId(), form.period());
            Plan plan = chosen.plan();
            BillingPeriod period = chosen.period();
            long price = period.of(plan.priceMinor());
            if (!Long.toString(price).equals(form.amountMinor().strip()) || !plan.currency().equals(form.currency().strip())) {
                throw new InvalidInputException(Map.of("plan", "The price sent is not the price of the " + plan.name()
                        + " plan for a " + period.noun() + ", which is " + Money.format(price, plan.currency())
                        + ". Check the price below and choose again."));
            }
            Payment request = upi.openPlan(user.id(), plan, period, form.requestKey());
            ModelAndView next = new ModelAndView("redirect:/payments/" + request.reference());
            next.setStatus(HttpStatus.SEE_OTHER);
            return next;
        } catch (InvalidInputException e) {
            ModelAndView page = new ModelAndView(show(model, user, form.planId(), form.period(), e.fieldErrors()));
            page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            return page;
        }
    }

    /** The plan and period a query or form names. */
    private Chosen choose(String planId, String periodKey) {
        Plan plan = plans.find(planId == null ? null : planId.strip()).orElseThrow(() -> new InvalidInputException(
                Map.of("plan", "There is no plan \"" + shorten(planId) + "\" on this site. Choose one on the Pricing page.")));
        if (plan.free()) {
            throw new InvalidInputException(Map.of("plan", "The " + plan.name()
                    + " plan is everyone's default: there is nothing to pay for it."));
        }
        BillingPeriod period = BillingPeriod.parse(periodKey).orElseThrow(() -> new InvalidInputException(Map.of("plan",
                periodKey == null || periodKey.isBlank() ? "Choose to pay weekly or yearly on the Pricing page."
                        : "Plans are paid for weekly or yearly, not \"" + shorten(periodKey) + "\". Choose one on the Pricing page.")));
        return new Chosen(plan, period);
    }

    private String show(Model model, SignedInUser user, String planId, String periodKey, Map<String, String> errors) {
        Instant now = clock.instant();
        Optional<Subscription> stored = userPlans.subscription(user.id());
        Plan current = userPlans.planOf(user.id());
        Term term = stored.map(s -> Term.of(s, now)).orElse(null);
        model.addAttribute("plan", current);
        model.addAttribute("term", term);
        model.addAttribute("termPlanName", term == null ? null : name(term.planId()));
        model.addAttribute("ended", term == null && stored.isPresent() ? stored.get() : null);
        model.addAttribute("endedPlanName", stored.map(s -> name(s.planId())).orElse(null));
        model.addAttribute("nextGrantCredits", term == null ? 0 : credits(term.planId(), term.period()));
        Subscription.NextTerm next = term == null ? null : term.next();
        model.addAttribute("nextTerm", next);
        model.addAttribute("nextTermPlanName", next == null ? null : name(next.planId()));
        model.addAttribute("periods", userPlans.grantedPeriods(user.id(), PERIODS_SHOWN).stream()
                .map(p -> new PeriodRow(p, name(p.planId()))).toList());
        boolean stripeTerm = term != null && term.source() == SubscriptionSource.STRIPE && term.stripeSubscriptionId() != null;
        model.addAttribute("stripeEnabled", stripe.enabled());
        model.addAttribute("stripeTerm", stripeTerm);
        model.addAttribute("errors", errors);
        model.addAttribute("offer", planId == null && periodKey == null ? null : offer(user, planId, periodKey, stripeTerm));
        model.addAttribute("offerError", errors.getOrDefault("plan", errors.get("key")));
        return "payments/billing";
    }

    private Offer offer(SignedInUser user, String planId, String periodKey, boolean stripeTerm) {
        Chosen chosen;
        try {
            chosen = choose(planId, periodKey);
        } catch (InvalidInputException e) {
            return new Offer(null, null, null, 0, null, e.fieldErrors().get("plan"), null, null, null, null);
        }
        Plan plan = chosen.plan();
        BillingPeriod period = chosen.period();
        long price = period.of(plan.priceMinor());
        PlanTerms.Change change = terms.preview(user.id(), plan, period);
        String upiUnavailable = null;
        Payment openRequest = null;
        if (!payee.current().enabled()) {
            upiUnavailable = "This site does not take UPI payments yet (the operator has not set a UPI ID).";
        } else if (!"INR".equals(plan.currency())) {
            upiUnavailable = "UPI takes rupees only; this plan is priced in " + plan.currency() + ".";
        } else if (stripeTerm) {
            upiUnavailable = "Your plan is billed to your card by Stripe: change it with the card controls below.";
        } else {
            openRequest = payments.openPlanRequest(user.id()).orElse(null);
        }
        return new Offer(plan, period, Money.format(price, plan.currency()) + " a " + period.noun(), price, whatHappens(
                user, plan, period, change), null, upiUnavailable, openRequest, UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
    }

    /** What paying does, by the rule of {@link PlanTerms#apply}. */
    private String whatHappens(SignedInUser user, Plan plan, BillingPeriod period, PlanTerms.Change change) {
        String credits = Credits.format(period.of(plan.credits()));
        String noun = period.noun();
        Optional<Subscription> term = userPlans.subscription(user.id());
        String until = term.map(s -> formatDay(s.paidUntil())).orElse("");
        return switch (change) {
            case STARTED -> "The " + plan.name() + " plan starts as soon as your payment is confirmed, for one " + noun
                    + ", with the " + noun + "'s " + credits + " at once. What is left of them expires at the " + noun
                    + "'s end.";
            case EXTENDED -> "Your " + plan.name() + " plan is extended by one " + noun + " after " + until + ". Each "
                    + noun + "'s " + credits + " come at its start.";
            case UPGRADED -> "An upgrade: the " + plan.name() + " plan replaces your " + userPlans.planOf(user.id()).name()
                    + " plan as soon as your payment is confirmed, with a new " + noun + "'s " + credits
                    + " at once. Credits you have keep their own expiry.";
            case SCHEDULED -> (userPlans.planOf(user.id()).id().equals(plan.id())
                    ? "You are on the " + plan.name() + " plan already: paying " + period.key() + " starts"
                    : "The " + plan.name() + " plan does not cost more a week than your "
                    + userPlans.planOf(user.id()).name() + " plan, so it starts")
                    + " when your paid period ends, on " + until + ", with its " + credits + " for the " + noun
                    + " then. Until then nothing changes.";
        };
    }

    private String formatDay(Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", java.util.Locale.ENGLISH)
                .format(instant.atZone(clock.getZone()));
    }

    private String name(String planId) {
        return plans.find(planId).map(Plan::name).orElse(planId);
    }

    private long credits(String planId, BillingPeriod period) {
        return plans.find(planId).map(p -> period.of(p.credits())).orElse(0L);
    }

    private static String shorten(String text) {
        String value = text == null ? "" : text.strip();
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }

    /** A plan and period someone chose. */
    private record Chosen(Plan plan, BillingPeriod period) {
    }

    /**
     * The user's term as the page shows it: the stored term while it runs, or its next term once
     * that has begun (before the grant task rolls it over).
     *
     * @param nextGrantAt when the next period's credits come (not for Stripe terms); null when none
     * @param next the term that follows, or null
     */
    record Term(String planId, BillingPeriod period, SubscriptionSource source, Instant startedAt, Instant paidUntil,
                Instant nextGrantAt, boolean cancelAtPeriodEnd, Subscription.NextTerm next, String stripeSubscriptionId) {

        /** The term running at {@code now}, or null when none runs. */
        static Term of(Subscription s, Instant now) {
            if (s.activeAt(now)) {
                return new Term(s.planId(), s.period(), s.source(), s.startedAt(), s.paidUntil(), s.nextGrantAt(),
                        s.cancelAtPeriodEnd(), s.next(), s.stripeSubscriptionId());
            }
            Subscription.NextTerm next = s.next();
            if (next != null && next.paidUntil() != null && !now.isBefore(s.paidUntil()) && now.isBefore(next.paidUntil())) {
                return new Term(next.planId(), next.period(), next.source(), s.paidUntil(), next.paidUntil(),
                        next.source() == SubscriptionSource.STRIPE ? null : s.paidUntil(), false, null,
                        next.source() == SubscriptionSource.STRIPE ? s.stripeSubscriptionId() : null);
            }
            return null;
        }

        /** "Card (Stripe)", "UPI" or "Given by an admin". */
        public String sourceLabel() {
            return switch (source) {
                case STRIPE -> "Card (Stripe)";
                case UPI -> "UPI";
                case ADMIN -> "Given by an admin";
            };
        }
    }

    /** A granted period with its plan's name. */
    record PeriodRow(GrantedPeriod period, String planName) {
    }

    /**
     * The "Pay for a plan" panel.
     *
     * @param plan the plan, or null when the query named none that can be paid for
     * @param price such as "₹499.00 a week"
     * @param amountMinor the price in minor units, sent back by the forms
     * @param whatHappens what paying does
     * @param problem why the query's plan or period cannot be paid for, or null
     * @param upiUnavailable why UPI is not offered, or null
     * @param openRequest the user's open plan request, when UPI waits for it to be paid or reviewed
     * @param upiKey the UPI form's one-time key
     * @param cardKey the card form's one-time key
     */
    record Offer(Plan plan, BillingPeriod period, String price, long amountMinor, String whatHappens, String problem,
                 String upiUnavailable, Payment openRequest, String upiKey, String cardKey) {
    }

    /**
     * The UPI form; absent fields are empty.
     *
     * @param amountMinor the price the page showed, in minor units
     * @param requestKey the one-time key the form was rendered with
     */
    record PlanForm(String planId, String period, String amountMinor, String currency, String requestKey) {

        PlanForm {
            planId = planId == null ? "" : planId;
            period = period == null ? "" : period;
            amountMinor = amountMinor == null ? "" : amountMinor;
            currency = currency == null ? "" : currency;
            requestKey = requestKey == null ? "" : requestKey;
        }
    }
}
