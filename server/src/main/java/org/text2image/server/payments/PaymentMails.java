package org.text2image.server.payments;

import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Credits;
import org.text2image.server.notifications.MailOutbox;
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

    PaymentMails(MailOutbox outbox, AccountService accounts, Packs packs, SiteProperties site) {
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
                "We check it against our account, usually within a day, and mail you when the credits are added."));
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
                        + what(payment) + ". No credits were added.",
                "Reason: " + payment.rejectReason(),
                "What to do next: check the UTR in your UPI app's payment details. If you paid, start a new request "
                        + "from Buy credits and enter the correct UTR, or reply to this mail with the reference "
                        + payment.reference() + " and a screenshot of the payment. If money left your account and "
                        + "was not received, your bank returns it."));
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

    /** "the Creator pack (600 credits, ₹499.00)". */
    private String what(Payment payment) {
        String name = packs.find(payment.packId()).map(Pack::name).orElse(payment.packId());
        return packPhrase(name) + " (" + Credits.format(payment.credits()) + ", " + payment.amount() + ")";
    }

    /** "the Creator pack", and "the Dollar pack" for a pack whose name already ends in "pack". */
    static String packPhrase(String name) {
        boolean named = name.strip().toLowerCase(Locale.ROOT).matches(".*\\bpack$");
        return "the " + name.strip() + (named ? "" : " pack");
    }
}
