package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.BrowserSession;
import org.text2image.server.web.Html;

/**
 * With {@code text2image.accounts.email-verification=off} (the default), registering a new and a
 * taken address answer exactly alike over real HTTP (status, redirect, cookies, the page it leads
 * to), neither signs anyone in, and each address gets exactly one mail.
 */
@IntegrationTest
class RegistrationEnumerationTest {

    private static final String PASSWORD = "correct horse";

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired TestDatabase db;

    @BeforeEach
    void setUp() {
        db.clean();
    }

    @Test
    void registeringATakenAddressAnswersExactlyLikeANewOneAndSignsNobodyIn() throws Exception {
        accounts.register("alice@example.com", PASSWORD);
        BrowserSession takenVisitor = new BrowserSession(port);
        BrowserSession freshVisitor = new BrowserSession(port);

        String taken = register(takenVisitor, "alice@example.com", "some other passphrase");
        String fresh = register(freshVisitor, "bob@example.com", "some other passphrase");

        assertThat(fresh.replace("bob@example.com", "ADDRESS")).isEqualTo(taken.replace("alice@example.com", "ADDRESS"));
        assertThat(fresh).startsWith("302 /register?sent ").contains("Check your inbox");
        for (BrowserSession visitor : List.of(takenVisitor, freshVisitor)) {
            assertThat(Mailbox.pathOf(visitor.get("/generate"))).as("still signed out").isEqualTo("/login");
        }
        assertThat(subjects("alice@example.com")).containsExactly("Someone tried to sign up with your address");
        assertThat(subjects("bob@example.com")).containsExactly("Your Text2Image account is ready");
    }

    @Test
    void aNewAccountCanSignInRightAfterRegisteringWithItsCredits() throws Exception {
        register(new BrowserSession(port), "bob@example.com", PASSWORD);

        BrowserSession bob = new BrowserSession(port).signIn("bob@example.com", PASSWORD);

        assertThat(Html.textOf(bob.get("/generate").body(), "balance")).isEqualTo("20 credits");
        assertThat(statements.balance(accounts.findByEmail("bob@example.com").orElseThrow().id()))
                .isEqualTo(new Balance(20, 0));
    }

    @Test
    void theCheckYourInboxPageOffersASignInFormWithTheAddress() throws Exception {
        BrowserSession visitor = new BrowserSession(port);
        visitor.readCsrf("/register");
        visitor.post("/register", Map.of("email", "bob@example.com", "password", PASSWORD));

        String sent = visitor.readCsrf("/register?sent").body();

        assertThat(Html.textOf(sent, "sent-message")).contains("your account is ready");
        assertThat(Html.attributeOf(sent, "sent-login", "action")).isEqualTo("/login");
        assertThat(Html.attributeOf(sent, "email", "value")).isEqualTo("bob@example.com");
        assertThat(Mailbox.pathOf(visitor.post("/login", Map.of("username", "bob@example.com", "password", PASSWORD))))
                .isEqualTo("/generate");
    }

    /**
     * Posts the registration form from a fresh visitor's session; returns the status, redirect,
     * cookies set (values hidden), body and following page as one string.
     */
    private static String register(BrowserSession visitor, String email, String password) throws Exception {
        visitor.readCsrf("/register");
        HttpResponse<String> posted = visitor.post("/register", Map.of("email", email, "password", password));
        String location = Mailbox.pathOf(posted);
        List<String> cookies = posted.headers().allValues("Set-Cookie").stream()
                .map(cookie -> cookie.replaceFirst("=[^;]*", "=VALUE")).toList();
        HttpResponse<String> page = visitor.get(location);
        return posted.statusCode() + " " + location + " " + cookies + " " + posted.body() + page.statusCode()
                + Mailbox.withoutPerRequestValues(page.body());
    }

    private List<String> subjects(String recipient) {
        return db.jdbc().sql("SELECT subject FROM mail_outbox WHERE recipient = ? ORDER BY id").params(recipient)
                .query(String.class).list();
    }
}
