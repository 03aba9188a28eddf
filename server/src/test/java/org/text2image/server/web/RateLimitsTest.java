package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;

/**
 * Rate limits over real HTTP, each client at its own address (X-Forwarded-For from loopback, as a
 * reverse proxy sends it): failed sign-ins per email and per IP with the default limits, and job
 * submissions and registrations with small ones.
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.rate-limits.enabled=true",
        "text2image.rate-limits.submit-per-account.count=2",
        "text2image.rate-limits.submit-per-account.per=1m",
        "text2image.rate-limits.register-per-ip.count=2",
        "text2image.rate-limits.register-per-ip.per=1h",
        "text2image.rate-limits.support-message-per-account.count=2",
        "text2image.rate-limits.support-message-per-account.per=10m",
        "text2image.rate-limits.api-requests-per-key.count=3",
        "text2image.rate-limits.api-requests-per-key.per=1m"
})
class RateLimitsTest {

    private static final String PASSWORD = "correct horse battery";

    @Autowired AccountService accounts;
    @Autowired TestDatabase db;
    @Autowired RateLimiter limiter;
    @Autowired RateLimitProperties limits;
    @Autowired MutableClock clock;
    @LocalServerPort int port;

    @BeforeEach
    void setUp() {
        db.clean();
        limiter.clear();
        accounts.register("alice@example.com", PASSWORD);
        accounts.register("bob@example.com", PASSWORD);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void theSixthFailedSignInForAnAccountIsRefusedAndTheRightPasswordWorksFromAnotherIpAfterTheBound() throws Exception {
        BrowserSession attacker = new BrowserSession(port).from("198.51.100.1");
        attacker.readCsrf("/login");
        for (int i = 0; i < limits.loginFailuresPerAccount().count(); i++) {
            assertThat(signIn(attacker, "alice@example.com", "wrong password " + i).headers().firstValue("Location"))
                    .hasValueSatisfying(location -> assertThat(location).endsWith("/login?error"));
        }
        HttpResponse<String> refused = signIn(attacker, "alice@example.com", "wrong password again");
        assertTooManyRequests(refused);
        assertThat(refused.body()).contains("Too many failed sign-ins");

        BrowserSession owner = new BrowserSession(port).from("203.0.113.20");
        owner.readCsrf("/login");
        assertTooManyRequests(signIn(owner, "alice@example.com", PASSWORD));

        clock.advance(limits.loginFailuresPerAccount().refillInterval());
        assertThat(signIn(owner, "alice@example.com", PASSWORD).headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/generate"));
    }

    @Test
    void anUnknownEmailIsThrottledExactlyLikeAnAccountsEmail() throws Exception {
        clock.freeze(); // the same Retry-After needs the same time between the first failure and the sixth
        HttpResponse<String> known = sixthFailure("198.51.100.2", "alice@example.com");
        HttpResponse<String> unknown = sixthFailure("198.51.100.3", "nobody@example.com");

        assertThat(unknown.statusCode()).isEqualTo(known.statusCode()).isEqualTo(429);
        assertThat(unknown.headers().firstValue("Retry-After")).isEqualTo(known.headers().firstValue("Retry-After"));
        assertThat(Html.textOf(unknown.body(), "error-message")).isEqualTo(Html.textOf(known.body(), "error-message"));
    }

    @Test
    void anIpWithTooManyFailedSignInsIsRefusedForEveryEmailWhileOtherIpsSignIn() throws Exception {
        BrowserSession guesser = new BrowserSession(port).from("198.51.100.4");
        guesser.readCsrf("/login");
        for (int i = 0; i < limits.loginFailuresPerIp().count(); i++) {
            assertThat(signIn(guesser, "user" + i + "@example.com", "guess").statusCode()).isEqualTo(302);
        }
        assertTooManyRequests(signIn(guesser, "bob@example.com", PASSWORD));

        BrowserSession bob = new BrowserSession(port).from("203.0.113.21");
        bob.readCsrf("/login");
        assertThat(signIn(bob, "bob@example.com", PASSWORD).headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/generate"));
    }

    @Test
    void successfulSignInsUseUpNothing() throws Exception {
        for (int i = 0; i < limits.loginFailuresPerAccount().count() + 2; i++) {
            BrowserSession session = new BrowserSession(port).from("198.51.100.5");
            session.signIn("alice@example.com", PASSWORD);
        }
    }

    @Test
    void aSubmitOverTheLimitIsRefusedWithRetryAfterAndChargesNothing() throws Exception {
        BrowserSession alice = new BrowserSession(port).from("198.51.100.6").signIn("alice@example.com", PASSWORD);
        alice.readCsrf("/generate");
        Map<String, String> form = Map.of("modelId", "sd15", "prompt", "a lighthouse at dusk");
        assertThat(alice.post("/generate", form).statusCode()).isEqualTo(302);
        assertThat(alice.post("/generate", form).statusCode()).isEqualTo(302);
        long jobs = jobCount();
        String balance = Html.textOf(alice.get("/credits").body(), "balance");

        HttpResponse<String> refused = alice.post("/generate", form);

        assertTooManyRequests(refused);
        assertThat(jobCount()).isEqualTo(jobs);
        assertThat(Html.textOf(alice.get("/credits").body(), "balance")).isEqualTo(balance);
        clock.advance(limits.submitPerAccount().refillInterval());
        assertThat(alice.post("/generate", form).statusCode()).isEqualTo(302);
    }

    @Test
    void aSupportMessageOverTheLimitIsRefusedWithAMessageAndStoresNothing() throws Exception {
        BrowserSession alice = new BrowserSession(port).from("198.51.100.9").signIn("alice@example.com", PASSWORD);
        for (int i = 0; i < 2; i++) {
            String key = Html.attributeOf(alice.readCsrf("/support").body(), "support-key", "value");
            assertThat(alice.post("/support", Map.of("body", "Hello " + i, "key", key)).statusCode()).isEqualTo(303);
        }
        String key = Html.attributeOf(alice.readCsrf("/support").body(), "support-key", "value");

        HttpResponse<String> refused = alice.post("/support", Map.of("body", "Hello again", "key", key));

        assertTooManyRequests(refused);
        assertThat(refused.body()).contains("You sent many support messages in a short time");
        assertThat(db.jdbc().sql("SELECT count(*) FROM support_message").query(Long.class).single()).isEqualTo(2);
        clock.advance(limits.supportMessagePerAccount().refillInterval());
        assertThat(alice.post("/support", Map.of("body", "Hello again", "key", key)).statusCode()).isEqualTo(303);
    }

    @Test
    void registrationsPerIpAreLimited() throws Exception {
        BrowserSession visitor = new BrowserSession(port).from("198.51.100.7");
        visitor.readCsrf("/register");
        for (int i = 0; i < 2; i++) {
            assertThat(visitor.post("/register", Map.of("email", "new" + i + "@example.com", "password", PASSWORD))
                    .statusCode()).isEqualTo(302);
            visitor = new BrowserSession(port).from("198.51.100.7");
            visitor.readCsrf("/register");
        }
        assertTooManyRequests(visitor.post("/register", Map.of("email", "new9@example.com", "password", PASSWORD)));
        assertThat(db.jdbc().sql("SELECT count(*) FROM app_user WHERE email = 'new9@example.com'").query(Long.class)
                .single()).isZero();
    }

    @Test
    void resetRequestsForOneAddressAreLimitedWhateverTheIp() throws Exception {
        for (int i = 0; i < limits.passwordResetPerEmail().count(); i++) {
            BrowserSession visitor = new BrowserSession(port).from("198.51.100." + (20 + i));
            visitor.readCsrf("/forgot-password");
            assertThat(visitor.post("/forgot-password", Map.of("email", "alice@example.com")).statusCode()).isEqualTo(302);
        }
        BrowserSession another = new BrowserSession(port).from("198.51.100.99");
        another.readCsrf("/forgot-password");

        assertTooManyRequests(another.post("/forgot-password", Map.of("email", "alice@example.com")));
    }

    @Test
    void verificationMailResendsPerAccountAreLimited() throws Exception {
        BrowserSession alice = new BrowserSession(port).from("198.51.100.30").signIn("alice@example.com", PASSWORD);
        alice.readCsrf("/account");
        for (int i = 0; i < limits.verificationResendPerAccount().count(); i++) {
            assertThat(alice.post("/account/verification/resend", Map.of()).statusCode()).isNotEqualTo(429);
        }

        assertTooManyRequests(alice.post("/account/verification/resend", Map.of()));
    }

    private HttpResponse<String> sixthFailure(String ip, String email) throws Exception {
        BrowserSession session = new BrowserSession(port).from(ip);
        session.readCsrf("/login");
        for (int i = 0; i < limits.loginFailuresPerAccount().count(); i++) {
            signIn(session, email, "wrong");
        }
        return signIn(session, email, "wrong");
    }

    private static HttpResponse<String> signIn(BrowserSession session, String email, String password) throws Exception {
        return session.post("/login", Map.of("username", email, "password", password));
    }

    private long jobCount() {
        return db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single();
    }

    private static void assertTooManyRequests(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(seconds ->
                assertThat(Long.parseLong(seconds)).isPositive()
                        .isLessThanOrEqualTo(Duration.ofHours(1).toSeconds()));
        assertThat(response.body()).contains("Try again in");
    }
}
