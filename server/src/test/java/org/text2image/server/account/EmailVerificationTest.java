package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.notifications.OutboxDelivery;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.support.TestSmtp;
import org.text2image.server.web.BrowserSession;
import org.text2image.server.web.Html;

/**
 * {@code text2image.accounts.email-verification=required}: registration answers the same for a new
 * and a taken address and mails each owner; generating waits until the mailed link is used; the
 * link works once and can be sent again a limited number of times an hour.
 */
@IntegrationTest
@TestPropertySource(properties = {"text2image.mail.delivery-interval=1h", "text2image.public-url=https://t2i.example.com/",
        "text2image.accounts.email-verification=required"})
class EmailVerificationTest {

    private static final int SMTP_PORT = TestSmtp.freePort();
    private static final String CONFIRM = "Confirm your Text2Image email address";
    private static final String ATTEMPT = "Someone tried to sign up with your address";
    private static final String PASSWORD = "correct horse";

    @RegisterExtension
    static final GreenMailExtension SMTP = TestSmtp.server(SMTP_PORT);

    @DynamicPropertySource
    static void smtpServer(DynamicPropertyRegistry registry) {
        TestSmtp.use(registry, SMTP_PORT);
    }

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired OutboxDelivery delivery;
    @Autowired TestDatabase db;
    @Autowired MutableClock clock;
    Mailbox mailbox;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        SMTP.purgeEmailFromAllMailboxes();
        mailbox = new Mailbox(SMTP, delivery);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void registeringATakenAddressAnswersExactlyLikeANewOne() throws Exception {
        accounts.register("alice@example.com", PASSWORD);
        BrowserSession visitor = new BrowserSession(port);

        String taken = register(visitor, "alice@example.com", "some other passphrase");
        String fresh = register(visitor, "bob@example.com", "some other passphrase");

        assertThat(fresh.replace("bob@example.com", "ADDRESS")).isEqualTo(taken.replace("alice@example.com", "ADDRESS"));
        assertThat(fresh).contains("Check your inbox");
        assertThat(GreenMailUtil.getBody(mailbox.await("alice@example.com", ATTEMPT))).contains("https://t2i.example.com/reset-password?token=");
        assertThat(GreenMailUtil.getBody(mailbox.await("bob@example.com", CONFIRM))).contains("https://t2i.example.com/verify-email?token=");
        assertThat(db.jdbc().sql("SELECT count(*) FROM app_user").query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void anUnconfirmedUserCannotGenerateUntilTheMailedLinkIsUsedOnce() throws Exception {
        register(new BrowserSession(port), "bob@example.com", PASSWORD);
        String token = Mailbox.token(mailbox.await("bob@example.com", CONFIRM), "/verify-email");
        BrowserSession bob = new BrowserSession(port).signIn("bob@example.com", PASSWORD);
        long id = accounts.findByEmail("bob@example.com").orElseThrow().id();

        HttpResponse<String> generate = bob.readCsrf("/generate");
        assertThat(Html.textOf(generate.body(), "verify-first")).contains("Confirm your email address");
        assertThat(Html.tagOf(generate.body(), "submit")).contains("disabled");
        HttpResponse<String> refused = bob.post("/generate", Map.of("prompt", "a lighthouse", "modelId", "sd15"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(Html.textOf(refused.body(), "problem")).contains("nothing was submitted or charged");
        assertThat(statements.balance(id)).isEqualTo(new Balance(20, 0));

        HttpResponse<String> confirmPage = bob.readCsrf("/verify-email?token=" + token);
        assertThat(Html.textOf(confirmPage.body(), "verify-address")).isEqualTo("bob@example.com");
        assertThat(Mailbox.pathOf(bob.post("/verify-email", Map.of("token", token)))).isEqualTo("/generate");
        assertThat(bob.get("/generate").body()).doesNotContain("id=\"verify-first\"");
        assertThat(accounts.emailVerified(id)).isTrue();
        assertThat(bob.post("/verify-email", Map.of("token", token)).statusCode()).as("used up").isEqualTo(410);
    }

    @Test
    void theLinkIsSentAgainAtMostThreeTimesAnHour() throws Exception {
        register(new BrowserSession(port), "bob@example.com", PASSWORD);
        BrowserSession bob = new BrowserSession(port).signIn("bob@example.com", PASSWORD);
        bob.readCsrf("/account");
        String notice = "";
        for (int i = 0; i < 3; i++) {
            assertThat(bob.post("/account/verification/resend", Map.of()).statusCode()).isEqualTo(302);
            notice = Html.textOf(bob.get("/account").body(), "notice");
        }
        assertThat(notice).contains("try again later");
        assertThat(mailbox.to("bob@example.com", CONFIRM)).hasSize(3);

        clock.advance(Duration.ofMinutes(61));
        bob.post("/account/verification/resend", Map.of());
        assertThat(mailbox.to("bob@example.com", CONFIRM)).hasSize(4);
        assertThat(bob.get("/verify-email?token=" + "B".repeat(43)).statusCode()).isEqualTo(410);
    }

    /** Posts the registration form; returns the status, redirect and following page as one string. */
    private static String register(BrowserSession visitor, String email, String password) throws Exception {
        visitor.readCsrf("/register");
        HttpResponse<String> posted = visitor.post("/register", Map.of("email", email, "password", password));
        String location = Mailbox.pathOf(posted);
        HttpResponse<String> page = visitor.get(location);
        return posted.statusCode() + " " + location + " " + posted.body() + page.statusCode()
                + Mailbox.withoutPerRequestValues(page.body());
    }
}
