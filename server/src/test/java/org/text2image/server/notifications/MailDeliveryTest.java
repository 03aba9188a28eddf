package org.text2image.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.support.TestSmtp;

/**
 * The outbox delivered over real SMTP (GreenMail): each mail exactly once, marked sent; a failed
 * try is recorded and retried later, up to {@code max-attempts} (2 here). The scheduled run is set
 * to once an hour so that only the test's own delivery runs send.
 */
@IntegrationTest
@TestPropertySource(properties = {
        "text2image.mail.delivery-interval=1h",
        "text2image.mail.max-attempts=2",
        "text2image.mail.retry-delay=1m",
        "text2image.mail.from=Text2Image <credits@t2i.example.com>",
        "text2image.public-url=https://t2i.example.com/"
})
class MailDeliveryTest {

    private static final int SMTP_PORT = TestSmtp.freePort();

    @RegisterExtension
    static final GreenMailExtension SMTP = TestSmtp.server(SMTP_PORT);

    @DynamicPropertySource
    static void smtpServer(DynamicPropertyRegistry registry) {
        TestSmtp.use(registry, SMTP_PORT);
    }

    @Autowired OutboxDelivery delivery;
    @Autowired MailOutbox outbox;
    @Autowired CreditLedger ledger;
    @Autowired AccountService accounts;
    @Autowired TransactionTemplate tx;
    @Autowired TestDatabase db;
    @Autowired MutableClock clock;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        SMTP.purgeEmailFromAllMailboxes();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void sendsExactlyTheOutboxMailsOnceAndMarksThemSent() throws Exception {
        crossThreshold("alice@example.com");
        crossThreshold("bob@example.com");

        assertThat(delivery.deliverDue()).isEqualTo(2);

        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).extracting(m -> m.getAllRecipients()[0].toString())
                .containsExactlyInAnyOrder("alice@example.com", "bob@example.com");
        MimeMessage mail = received[0];
        assertThat(mail.getSubject()).isEqualTo("Your Text2Image balance is low");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("Text2Image <credits@t2i.example.com>");
        assertThat(GreenMailUtil.getBody(mail)).contains("4 credits available", "https://t2i.example.com/credits");
        assertThat(outbox.newest(10)).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(MailStatus.SENT);
            assertThat(row.attempts()).isEqualTo(1);
            assertThat(row.processedAt()).isNotNull();
        });

        assertThat(delivery.deliverDue()).isZero();
        assertThat(SMTP.getReceivedMessages()).hasSize(2);
    }

    @Test
    void aFailedSendIsRecordedAndRetriedAfterTheRetryDelay() {
        crossThreshold("alice@example.com");
        SMTP.stop();
        try {
            assertThat(delivery.deliverDue()).isZero();
        } finally {
            SMTP.start();
        }
        OutboxMail failedOnce = outbox.newest(1).getFirst();
        assertThat(failedOnce.status()).isEqualTo(MailStatus.PENDING);
        assertThat(failedOnce.attempts()).isEqualTo(1);
        assertThat(failedOnce.lastError()).isNotBlank();

        assertThat(delivery.deliverDue()).as("not due before the retry delay").isZero();
        assertThat(SMTP.getReceivedMessages()).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        assertThat(delivery.deliverDue()).isEqualTo(1);
        assertThat(SMTP.getReceivedMessages()).hasSize(1);
        assertThat(outbox.newest(1).getFirst()).satisfies(row -> {
            assertThat(row.status()).isEqualTo(MailStatus.SENT);
            assertThat(row.attempts()).isEqualTo(2);
        });
    }

    @Test
    void aMailIsMarkedFailedWithItsErrorAfterTheLastTryAndNeverSentLater() {
        crossThreshold("alice@example.com");
        SMTP.stop();
        try {
            delivery.deliverDue();
            clock.advance(Duration.ofMinutes(1));
            delivery.deliverDue();
        } finally {
            SMTP.start();
        }
        assertThat(outbox.newest(1).getFirst()).satisfies(row -> {
            assertThat(row.status()).isEqualTo(MailStatus.FAILED);
            assertThat(row.attempts()).isEqualTo(2);
            assertThat(row.lastError()).isNotBlank();
            assertThat(row.processedAt()).isNotNull();
        });

        clock.advance(Duration.ofHours(1));
        assertThat(delivery.deliverDue()).isZero();
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    /** A new user with 20 credits whose hold of 16 takes the balance from 20 to 4, under the threshold of 5. */
    private void crossThreshold(String email) {
        long user = accounts.register(email, "correct horse").id();
        tx.executeWithoutResult(s -> ledger.hold(user, 16, UUID.randomUUID()));
    }

}
