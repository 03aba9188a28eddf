package org.text2image.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** /admin/outbox without an SMTP server (the default): mails are logged only, and admins read them here. */
@PageTest
class OutboxPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditLedger ledger;
    @Autowired MailOutbox outbox;
    @Autowired OutboxDelivery delivery;
    @Autowired TransactionTemplate tx;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @Test
    void withoutSmtpMailsAreMarkedLoggedOnlyAndListedForAdmins() throws Exception {
        tx.executeWithoutResult(s -> ledger.hold(alice.id(), 16, UUID.randomUUID()));

        delivery.deliverDue(); // the scheduled run may have got there first: either way the mail ends logged only
        assertThat(delivery.deliverDue()).isZero();

        OutboxMail mail = outbox.newest(1).getFirst();
        assertThat(mail.status()).isEqualTo(MailStatus.LOGGED);
        assertThat(mail.attempts()).isZero();
        assertThat(mail.processedAt()).isNotNull();
        String page = outboxPage();
        assertThat(Html.textOf(page, "smtp-not-configured")).startsWith("No SMTP server is configured.");
        assertThat(Html.text(page)).contains("alice@example.com", "Your Text2Image balance is low", "logged only",
                "4 credits available");
        assertThat(Html.attributeOf(page, "mail-" + mail.id(), "data-status")).isEqualTo("LOGGED");
        assertThat(Html.attributeOf(page, "nav-admin", "aria-current")).as("the one Admin link is current").isEqualTo("page");
    }

    @Test
    void listsFailedAndRetryingMailsWithTheirErrors() throws Exception {
        long failed = mail("failed@example.com", "FAILED", 5, "Connection refused");
        long retrying = mail("retrying@example.com", "PENDING", 1, "452 Mailbox full");

        String page = outboxPage();

        assertThat(Html.attributeOf(page, "mail-" + failed, "data-status")).isEqualTo("FAILED");
        assertThat(Html.attributeOf(page, "mail-" + retrying, "data-status")).isEqualTo("PENDING");
        assertThat(Html.text(page)).contains("failed@example.com", "failed Connection refused", "5",
                "retrying@example.com", "pending 452 Mailbox full");
    }

    @Test
    void usersGetTheNotFoundPageAndVisitorsAreSentToSignIn() throws Exception {
        mvc.perform(get("/admin/outbox").with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(get("/admin/outbox")).andExpect(redirectedUrl("/login"));
        String page = mvc.perform(get("/generate").with(user(alice))).andReturn().getResponse().getContentAsString();
        assertThat(page).doesNotContain("nav-admin");
    }

    /** An outbox mail in a given state, as delivery would have left it. */
    private long mail(String recipient, String status, int attempts, String error) {
        long id = outbox.enqueue(null, recipient, "Your Text2Image balance is low", "Hello");
        db.jdbc().sql("""
                UPDATE mail_outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = now() + interval '1 day',
                    processed_at = CASE WHEN ? = 'PENDING' THEN NULL ELSE now() END
                WHERE id = ?""").params(status, attempts, error, status, id).update();
        return id;
    }

    private String outboxPage() throws Exception {
        return mvc.perform(get("/admin/outbox").with(user(admin))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }
}
