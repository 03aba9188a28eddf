package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.notifications.OutboxMail;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.BrowserSession;
import org.text2image.server.web.Html;

/**
 * The account page ({@code /account}) and what it changes: the password (asks the current one,
 * ends the other sessions), the other sessions, a deletion request to support; and the upgrade of
 * an old BCrypt hash to Argon2id at sign-in.
 */
@IntegrationTest
class AccountPageTest {

    private static final String OLD = "correct horse";
    private static final String NEW = "a brand new passphrase";

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired MailOutbox outbox;
    @Autowired TestDatabase db;

    @BeforeEach
    void setUp() {
        db.clean();
        accounts.register("alice@example.com", OLD);
    }

    @Test
    void showsEmailBalancePlanAndTheSignedInSessions() throws Exception {
        new BrowserSession(port).signIn("alice@example.com", OLD);
        String page = new BrowserSession(port).signIn("alice@example.com", OLD).get("/account").body();

        assertThat(Html.textOf(page, "account-email")).isEqualTo("alice@example.com");
        assertThat(Html.textOf(page, "account-balance")).isEqualTo("20 credits");
        assertThat(Html.textOf(page, "account-plan-name")).isEqualTo("Free");
        assertThat(Html.textOf(page, "sessions-count")).isEqualTo("2 sessions are signed in.");
        assertThat(page).contains("This browser").doesNotContain("id=\"verification-pending\"");
        assertThat(page).as("password managers learn which account the new password is for")
                .contains("<input type=\"email\" name=\"username\" autocomplete=\"username\" value=\"alice@example.com\" hidden readonly>");
    }

    @Test
    void changingThePasswordAsksTheCurrentOneAndSignsOutTheOtherSessions() throws Exception {
        BrowserSession phone = new BrowserSession(port).signIn("alice@example.com", OLD);
        BrowserSession laptop = new BrowserSession(port).signIn("alice@example.com", OLD);
        laptop.readCsrf("/account");

        HttpResponse<String> wrong = laptop.post("/account/password", Map.of("current", "not my password", "password", NEW));
        assertThat(wrong.statusCode()).isEqualTo(422);
        assertThat(Html.textOf(wrong.body(), "current-error")).isEqualTo("That is not your current password.");
        assertThat(phone.get("/generate").statusCode()).as("nothing changed").isEqualTo(200);

        HttpResponse<String> weak = laptop.post("/account/password", Map.of("current", OLD, "password", "🎨".repeat(129)));
        assertThat(weak.statusCode()).isEqualTo(422);
        assertThat(Html.textOf(weak.body(), "password-error")).isEqualTo("Use a password of 12 to 128 characters.");
        assertThat(phone.get("/generate").statusCode()).as("nothing changed").isEqualTo(200);

        laptop.readCsrf("/account");
        assertThat(Mailbox.pathOf(laptop.post("/account/password", Map.of("current", OLD, "password", NEW)))).isEqualTo("/account");
        assertThat(Html.textOf(laptop.get("/account").body(), "notice")).contains("Your password was changed");
        assertThat(phone.get("/generate").statusCode()).as("signed out").isEqualTo(302);
        new BrowserSession(port).signIn("alice@example.com", NEW);
        assertThat(outbox.newest(5)).extracting(OutboxMail::subject).contains("Your Text2Image password was changed");
    }

    @Test
    void aDeletionRequestIsMailedToTheAdminsOnce() throws Exception {
        TestAccounts.admin(accounts, db, "admin@example.com");
        BrowserSession alice = new BrowserSession(port).signIn("alice@example.com", OLD);
        alice.readCsrf("/account");

        HttpResponse<String> tooLong = alice.post("/account/deletion", Map.of("reason", "x".repeat(2001)));
        assertThat(tooLong.statusCode()).isEqualTo(422);
        assertThat(Html.textOf(tooLong.body(), "reason-error")).contains("2000");
        assertThat(alice.post("/account/deletion", Map.of("reason", "Moving on \u202e")).statusCode()).isEqualTo(302);
        assertThat(alice.post("/account/deletion", Map.of("reason", "again")).statusCode()).isEqualTo(302);

        assertThat(Html.textOf(alice.get("/account").body(), "deletion-requested")).contains("You asked for your account to be deleted");
        assertThat(outbox.newest(10)).filteredOn(mail -> mail.subject().equals("Account deletion request"))
                .singleElement().satisfies(mail -> {
                    assertThat(mail.recipient()).isEqualTo("admin@example.com");
                    assertThat(mail.body()).contains("alice@example.com", "Moving on");
                });
    }

    @Test
    void anOldBcryptHashStillSignsInAndIsReplacedByArgon2id() throws Exception {
        db.jdbc().sql("UPDATE app_user SET password_hash = ? WHERE email = 'alice@example.com'")
                .params("{bcrypt}" + new BCryptPasswordEncoder().encode(OLD)).update();

        new BrowserSession(port).signIn("alice@example.com", OLD);

        assertThat(hash()).startsWith("{argon2}$argon2id$v=19$m=19456,t=2,p=1$");
        new BrowserSession(port).signIn("alice@example.com", OLD);
    }

    @Test
    void aPasswordPastBcryptsLimitAgainstABcryptHashIsAWrongPasswordNotAnError() throws Exception {
        db.jdbc().sql("UPDATE app_user SET password_hash = ? WHERE email = 'alice@example.com'")
                .params("{bcrypt}" + new BCryptPasswordEncoder().encode(OLD)).update();
        BrowserSession browser = new BrowserSession(port);
        browser.readCsrf("/login");

        HttpResponse<String> answer = browser.post("/login", Map.of("username", "alice@example.com", "password", "é".repeat(100)));

        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
        assertThat(hash()).startsWith("{bcrypt}");
    }

    private String hash() {
        return db.jdbc().sql("SELECT password_hash FROM app_user WHERE email = 'alice@example.com'").query(String.class).single();
    }
}
