package org.text2image.server.payments;

import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Credits;
import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Subscription;
import org.text2image.server.support.SiteProperties;

/**
 * The payment mails, each as plain text and HTML, written to the mail outbox in the transaction of
 * the change they tell about: a payment that rolls back sends nothing, and an SMTP outage only
 * delays them (the outbox retries), it never undoes a payment.
 */
@Component
public class PaymentMails {

    private final MailOutbox outbox;
    private final AccountService accounts;
    private final Packs packs;
    private final SiteProperties site;
    private final PaymentDescriptions descriptions;
    private final java.time.Clock clock;

    PaymentMails(MailOutbox outbox, AccountService accounts, Packs packs, SiteProperties site,
                 PaymentDescriptions descriptions, java.time.Clock clock) {
        this.descriptions = descriptions;
        this.clock = clock;
        this.outbox = outbox;
        this.accounts = accounts;
        this.packs = packs;
        this.site = site;
    }

    /** The UTR was entered: the request waits for an admin's review. */
    public void received(Payment payment) {
        send(payment, "We received your payment details (" + payment.reference() + ")", List.of(
                "Thank you. We received UTR " + payment.utr() + " for " + what(payment) + ", reference "
                        + payment.reference() + ".",
                payment.forPlan() ? "We check it against our account, usually within a day, and mail you when your plan is active."
                        : "We check it against our account, usually within a day, and mail you when the credits are added."));
    }

    /** An admin approved it: the credits were added. */
    public void approved(Payment payment, long availableCredits) {
        send(payment, "Credits added: your payment " + payment.reference() + " is approved", List.of(
                "Your payment " + payment.reference() + " (UTR " + payment.utr() + ") is approved: "
                        + "we added " + Credits.format(payment.credits()) + " to your account. They never expire.",
                "You now have " + Credits.format(availableCredits) + " available."));
    }

    /** An admin rejected it, with a reason. */
    public void rejected(Payment payment) {
        send(payment, "Your payment " + payment.reference() + " could not be confirmed", List.of(
                "We could not confirm your payment " + payment.reference() + " (UTR " + payment.utr() + ") for "
                        + what(payment) + (payment.forPlan() ? ". Your plan did not change." : ". No credits were added."),
                "Reason: " + payment.rejectReason(),
                "What to do next: check the UTR in your UPI app's payment details. If you paid, start a new request "
                        + (payment.forPlan() ? "from the Pricing page" : "from Buy credits")
                        + " and enter the correct UTR, or reply to this mail with the reference "
                        + payment.reference() + " and a screenshot of the payment. If money left your account and "
                        + "was not received, your bank returns it."));
    }

    /**
     * An admin approved a plan payment: what happened to the user's plan.
     *
     * @param change what the approval did ({@link PlanTerms#apply})
     * @param term the user's term after it, or null
     */
    public void planApproved(Payment payment, Plan plan, PlanTerms.Change change, Subscription term,
                             long availableCredits) {
        String noun = payment.billingPeriod().noun();
        String credits = Credits.format(payment.billingPeriod().of(plan.credits()));
        String first = switch (change) {
            case STARTED, UPGRADED -> "You are on the " + plan.name() + " plan now" + (term == null ? "" : ", until "
                    + day(term.paidUntil())) + ". This " + noun + "'s " + credits + " were added; what is left of them "
                    + "expires at the " + noun + "'s end.";
            case EXTENDED -> "Your " + plan.name() + " plan is extended by one " + noun + (term == null ? "" : ", until "
                    + day(term.paidUntil())) + ". Each " + noun + "'s " + credits + " come at its start.";
            case SCHEDULED -> "The " + plan.name() + " plan starts when your current paid plan ends"
                    + (term == null ? "" : ", on " + day(term.paidUntil())) + ", with its " + credits + " for the "
                    + noun + ".";
        };
        send(payment, "Plan confirmed: your payment " + payment.reference() + " is approved", List.of(
                "Your payment " + payment.reference() + " (UTR " + payment.utr() + ", " + payment.amount() + ") for the "
                        + descriptions.item(payment) + " is approved.",
                first,
                "You now have " + Credits.format(availableCredits) + " available."));
    }

    private String day(java.time.Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", java.util.Locale.ENGLISH)
                .format(instant.atZone(clock.getZone()));
    }

    /** Stripe confirmed a card payment: the credits were added. */
    public void paid(Payment payment, long availableCredits) {
        send(payment, "Credits added: your card payment " + payment.reference() + " is confirmed", List.of(
                "Thank you. Your card payment of " + payment.amount() + " for " + what(payment) + " is confirmed: "
                        + "we added " + Credits.format(payment.credits()) + " to your account. They never expire.",
                "You now have " + Credits.format(availableCredits) + " available."));
    }

    /**
     * Writes a mail to the payment's user: the paragraphs, then a link to the payment's page.
     *
     * @param paragraphs plain text; escaped for the HTML part
     */
    public void send(Payment payment, String subject, List<String> paragraphs) {
        SignedInUser user = accounts.find(payment.userId())
                .orElseThrow(() -> new IllegalStateException("No user " + payment.userId()));
        String link = site.link("/payments/" + payment.reference());
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family: sans-serif\">");
        for (String paragraph : paragraphs) {
            text.append(paragraph).append("\n\n");
            html.append("<p>").append(HtmlUtils.htmlEscape(paragraph)).append("</p>");
        }
        text.append("Your payment: ").append(link).append("\n\n— Text2Image\n");
        html.append("<p><a href=\"").append(HtmlUtils.htmlEscape(link)).append("\">See your payment</a></p>")
                .append("<p>— Text2Image</p></body></html>");
        outbox.enqueue(user.id(), user.email(), subject, text.toString(), html.toString());
    }

    /** "the Creator pack (600 credits, ₹499.00)", or "the Pro plan, 1 week (₹499.00)". */
    private String what(Payment payment) {
        if (payment.forPlan()) {
            return "the " + descriptions.item(payment) + " (" + payment.amount() + ")";
        }
        String name = packs.find(payment.packId()).map(Pack::name).orElse(payment.packId());
        return packPhrase(name) + " (" + Credits.format(payment.credits()) + ", " + payment.amount() + ")";
    }

    /** "the Creator pack", and "the Dollar pack" for a pack whose name already ends in "pack". */
    static String packPhrase(String name) {
        boolean named = name.strip().toLowerCase(Locale.ROOT).matches(".*\\bpack$");
        return "the " + name.strip() + (named ? "" : " pack");
    }
}
