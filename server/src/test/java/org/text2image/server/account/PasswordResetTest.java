package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
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
import org.text2image.server.notifications.OutboxDelivery;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.support.TestSmtp;
import org.text2image.server.web.BrowserSession;
import org.text2image.server.web.Html;

/**
 * Forgotten passwords, through the pages and real mail (GreenMail): the mailed link works once and
 * for one hour, resets only the account it was made for, ends that account's sessions, and the
 * request page answers the same whether or not the address has an account.
 */
@IntegrationTest
@TestPropertySource(properties = {"text2image.mail.delivery-interval=1h", "text2image.public-url=https://t2i.example.com/"})
class PasswordResetTest {

    private static final int SMTP_PORT = TestSmtp.freePort();
    static final String RESET_SUBJECT = "Reset your Text2Image password";
    static final String CHANGED_SUBJECT = "Your Text2Image password was changed";
    private static final String OLD = "correct horse";
    private static final String NEW = "a brand new passphrase";

    @RegisterExtension
    static final GreenMailExtension SMTP = TestSmtp.server(SMTP_PORT);

    @DynamicPropertySource
    static void smtpServer(DynamicPropertyRegistry registry) {
        TestSmtp.use(registry, SMTP_PORT);
    }

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired OutboxDelivery delivery;
    @Autowired TestDatabase db;
    @Autowired MutableClock clock;
    Mailbox mailbox;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        SMTP.purgeEmailFromAllMailboxes();
        mailbox = new Mailbox(SMTP, delivery);
        accounts.register("alice@example.com", OLD);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aResetLinkWorksOnceAndEndsTheAccountsOtherSessions() throws Exception {
        BrowserSession laptop = new BrowserSession(port).signIn("alice@example.com", OLD);
        BrowserSession phone = new BrowserSession(port).signIn("alice@example.com", OLD);
        String token = requestLink("alice@example.com");

        BrowserSession visitor = new BrowserSession(port);
        HttpResponse<String> form = visitor.readCsrf("/reset-password?token=" + token);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(Html.attributeOf(form.body(), "password", "autocomplete")).isEqualTo("new-password");
        assertThat(Mailbox.pathOf(visitor.post("/reset-password", Map.of("token", token, "password", NEW)))).isEqualTo("/login?reset");

        assertThat(laptop.get("/generate").statusCode()).as("signed out").isEqualTo(302);
        assertThat(phone.get("/generate").headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(mailbox.await("alice@example.com", CHANGED_SUBJECT)).isNotNull();
        new BrowserSession(port).signIn("alice@example.com", NEW);
        assertThat(signInLocation("alice@example.com", OLD)).endsWith("/login?error");

        assertThat(visitor.get("/reset-password?token=" + token).statusCode()).as("used up").isEqualTo(410);
        HttpResponse<String> again = visitor.post("/reset-password", Map.of("token", token, "password", "yet another passphrase"));
        assertThat(again.statusCode()).isEqualTo(410);
        assertThat(Html.textOf(again.body(), "expired-message")).contains("Nothing was changed");
        new BrowserSession(port).signIn("alice@example.com", NEW);
    }

    @Test
    void aResetLinkIsRefusedOnceAnHourHasPassed() throws Exception {
        String token = requestLink("alice@example.com");
        clock.advance(Duration.ofHours(1));

        BrowserSession visitor = new BrowserSession(port);
        assertThat(visitor.get("/reset-password?token=" + token).statusCode()).isEqualTo(410);
        visitor.readCsrf("/forgot-password");
        assertThat(visitor.post("/reset-password", Map.of("token", token, "password", NEW)).statusCode()).isEqualTo(410);
        new BrowserSession(port).signIn("alice@example.com", OLD);
    }

    @Test
    void aLinkMadeForOneAccountResetsThatAccountOnly() throws Exception {
        accounts.register("bob@example.com", OLD);
        BrowserSession bob = new BrowserSession(port).signIn("bob@example.com", OLD);
        String alicesToken = requestLink("alice@example.com");

        bob.readCsrf("/reset-password?token=" + alicesToken);
        assertThat(bob.post("/reset-password", Map.of("token", alicesToken, "password", NEW, "email", "bob@example.com",
                "username", "bob@example.com")).statusCode()).isEqualTo(302);

        new BrowserSession(port).signIn("alice@example.com", NEW);
        new BrowserSession(port).signIn("bob@example.com", OLD);
        assertThat(signInLocation("bob@example.com", NEW)).endsWith("/login?error");
        assertThat(bob.get("/generate").statusCode()).as("bob's session goes on").isEqualTo(200);
    }

    @Test
    void anUnknownAddressGetsExactlyTheAnswerOfAKnownOne() throws Exception {
        BrowserSession visitor = new BrowserSession(port);
        String known = answer(visitor, "alice@example.com");
        String unknown = answer(visitor, "nobody@example.com");

        assertThat(unknown.replace("nobody@example.com", "ADDRESS")).isEqualTo(known.replace("alice@example.com", "ADDRESS"));
        assertThat(mailbox.await("alice@example.com", RESET_SUBJECT)).isNotNull();
        assertThat(mailbox.to("nobody@example.com", RESET_SUBJECT)).isEmpty();
    }

    @Test
    void aWeakNewPasswordIsShownBesideTheFieldAndTheLinkStillWorks() throws Exception {
        String token = requestLink("alice@example.com");
        BrowserSession visitor = new BrowserSession(port);
        visitor.readCsrf("/reset-password?token=" + token);

        HttpResponse<String> weak = visitor.post("/reset-password", Map.of("token", token, "password", " ".repeat(12)));
        assertThat(weak.statusCode()).isEqualTo(422);
        assertThat(Html.textOf(weak.body(), "password-error")).isEqualTo("A password cannot be only spaces.");
        new BrowserSession(port).signIn("alice@example.com", OLD);
        assertThat(visitor.post("/reset-password", Map.of("token", token, "password", NEW)).statusCode()).isEqualTo(302);
    }

    @Test
    void malformedOrForgedLinksAndAddressesGetAPageNeverAnError() throws Exception {
        BrowserSession visitor = new BrowserSession(port);
        for (String token : new String[] {"", "x", "A".repeat(43), "%E2%80%AE" + "A".repeat(40), "A".repeat(5000)}) {
            assertThat(visitor.get("/reset-password?token=" + token).statusCode()).as(token).isEqualTo(410);
        }
        assertThat(visitor.get("/reset-password?token=%00").statusCode()).as("NUL").isEqualTo(400);
        visitor.readCsrf("/forgot-password");
        HttpResponse<String> bad = visitor.post("/forgot-password", Map.of("email", "no-at-sign\u202e" + "x".repeat(300)));
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(Html.textOf(bad.body(), "email-error")).isEqualTo("Enter a valid email address.");
    }

    /** Asks for a reset link on the page and returns the token of the mailed link. */
    private String requestLink(String email) throws Exception {
        BrowserSession visitor = new BrowserSession(port);
        visitor.readCsrf("/forgot-password");
        assertThat(Mailbox.pathOf(visitor.post("/forgot-password", Map.of("email", email)))).isEqualTo("/forgot-password?sent");
        return Mailbox.token(mailbox.await(email, RESET_SUBJECT), "/reset-password");
    }

    /** The status, redirect and following page of a reset request, as one string. */
    private static String answer(BrowserSession visitor, String email) throws Exception {
        visitor.readCsrf("/forgot-password");
        HttpResponse<String> posted = visitor.post("/forgot-password", Map.of("email", email));
        HttpResponse<String> page = visitor.get(Mailbox.pathOf(posted));
        return posted.statusCode() + " " + Mailbox.pathOf(posted) + " " + posted.body()
                + page.statusCode() + Mailbox.withoutPerRequestValues(page.body());
    }

    private String signInLocation(String email, String password) throws Exception {
        BrowserSession browser = new BrowserSession(port);
        browser.readCsrf("/login");
        return browser.post("/login", Map.of("username", email, "password", password)).headers().firstValue("Location").orElseThrow();
    }
}
