package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.text2image.server.notifications.OutboxDelivery;

/**
 * The mails a test's GreenMail SMTP server received, delivered from the outbox on demand (the
 * tests set the scheduled delivery to once an hour), and the links in them.
 */
record Mailbox(GreenMailExtension smtp, OutboxDelivery delivery) {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** Delivers the outbox until a mail with this subject reached this address (reset requests are mailed in the background). */
    MimeMessage await(String to, String subject) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            delivery.deliverDue();
            List<MimeMessage> found = to(to, subject);
            if (!found.isEmpty()) {
                return found.getLast();
            }
            assertThat(System.nanoTime()).as("a mail '" + subject + "' to " + to).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The received mails to this address with this subject, oldest first. */
    List<MimeMessage> to(String to, String subject) {
        delivery.deliverDue();
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> recipient(m).equals(to) && subject(m).equals(subject))
                .toList();
    }

    /** The token of the first link to this path (e.g. {@code /reset-password}) in the mail. */
    static String token(MimeMessage mail, String path) {
        Matcher link = Pattern.compile(Pattern.quote(path) + "\\?token=([A-Za-z0-9_-]{43})").matcher(GreenMailUtil.getBody(mail));
        assertThat(link.find()).as("a " + path + " link in the mail").isTrue();
        return link.group(1);
    }

    /** A page without what differs on every request: the masked CSRF token and script nonces. */
    static String withoutPerRequestValues(String html) {
        return html.replaceAll("name=\"_csrf\" value=\"[^\"]*\"", "name=\"_csrf\"").replaceAll("nonce=\"[^\"]*\"", "nonce");
    }

    /** The path and query of a redirect's {@code Location} (absolute over real HTTP). */
    static String pathOf(java.net.http.HttpResponse<String> redirect) {
        java.net.URI location = java.net.URI.create(redirect.headers().firstValue("Location").orElseThrow());
        return location.getRawPath() + (location.getRawQuery() == null ? "" : "?" + location.getRawQuery());
    }

    private static String recipient(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
