package org.text2image.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
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

    @Test
    void findsMailsByRecipientOrSubjectAndStatusFiftyAPage() throws Exception {
        long failed = mail("failed@example.com", "FAILED", 5, "Connection refused");
        for (int i = 0; i < 55; i++) {
            mail("reader" + i + "@example.com", "SENT", 1, null);
        }
        long percent = outbox.enqueue(null, "percent@example.com", "100% done_now", "Hello");

        String firstPage = outboxPage("");
        assertThat(Html.text(firstPage)).contains("57 matching of 57 in all; page 1.");
        assertThat(firstPage.split("class=\"mail\"")).hasSize(51);
        assertThat(Html.attributeOf(firstPage, "outbox-older", "href")).isEqualTo("/admin/outbox?q=&status=&page=1");
        String secondPage = outboxPage("?page=1");
        assertThat(Html.attributeOf(secondPage, "mail-" + failed, "data-status")).as("the oldest, on page 2").isEqualTo("FAILED");
        assertThat(Html.tagOf(secondPage, "outbox-older")).isNull();

        String byStatus = outboxPage("?status=failed");
        assertThat(Html.text(byStatus)).contains("1 matching of 57 in all");
        assertThat(Html.attributeOf(byStatus, "mail-" + failed, "data-status")).isEqualTo("FAILED");
        String byRecipient = outboxPage("?q=READER5");
        assertThat(Html.text(byRecipient)).contains("6 matching of 57", "reader5@example.com", "reader50@example.com");
        assertThat(Html.text(outboxPage("?q=100%25"))).as("% is matched as itself").contains("1 matching");
        // the row itself (its status may already have moved on: the outbox delivery task runs meanwhile)
        assertThat(Html.tagOf(outboxPage("?q=100%25"), "mail-" + percent)).isNotNull();
        assertThat(Html.text(outboxPage("?q=5%25"))).as("not a wildcard: reader5@ would match 5%").contains("No mail matches.");
    }

    @Test
    void oddSearchInputShowsTheFirstPageOrNothingNeverAnError() throws Exception {
        mail("failed@example.com", "FAILED", 5, "Connection refused");

        assertThat(Html.text(outboxPage("?page=-1"))).contains("1 matching of 1 in all; page 1.");
        assertThat(Html.text(outboxPage("?page=zzz&status=bogus"))).contains("1 matching of 1 in all; page 1.");
        assertThat(Html.text(outboxPage("?page=999999"))).contains("No mail matches.");
        assertThat(Html.text(outboxPage("?q=" + "x".repeat(5000)))).contains("No mail matches.");
        assertThat(Html.text(outboxPage("?q=_"))).contains("No mail matches.");
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
        return outboxPage("");
    }

    private String outboxPage(String query) throws Exception {
        return mvc.perform(get(URI.create("/admin/outbox" + query)).with(user(admin))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }
}
