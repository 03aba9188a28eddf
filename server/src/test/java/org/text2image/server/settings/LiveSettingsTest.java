package org.text2image.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.GenerationValidator;
import org.text2image.server.generation.InvalidGenerationRequestException;
import org.text2image.server.generation.TooManyQueuedJobsException;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.payments.upi.UpiPayee;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.SecondInstance;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.BrowserSession;
import org.text2image.server.web.Html;

/**
 * A saved setting is in force at once on this instance and, through PostgreSQL NOTIFY, within
 * moments on a second server instance sharing the database, without a restart.
 */
@IntegrationTest
class LiveSettingsTest {

    private static final String PASSWORD = "correct horse battery";

    @Autowired SettingsEditor editor;
    @Autowired DatabaseLiveSettings live;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired GenerationValidator validator;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired UpiPayee upi;
    @Autowired DataSource dataSource;
    @Autowired TestDatabase db;
    @LocalServerPort int port;

    SignedInUser admin;

    @BeforeEach
    void setUp() {
        db.clean();
        SettingsFixtures.restoreDefaults(db, live);
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
    }

    @AfterEach
    void restoreDefaults() {
        SettingsFixtures.restoreDefaults(db, live);
    }

    @Test
    void aChangeIsInForceAtOnceHereAndShortlyOnASecondInstanceWithoutRestart() throws Exception {
        accounts.register("old@example.com", PASSWORD);
        try (ConfigurableApplicationContext second = SecondInstance.start(dataSource)) {
            LiveSettings secondSettings = second.getBean(LiveSettings.class);
            assertThat(secondSettings.current().maxWidth()).as("read before the change").isEqualTo(1024);

            editor.change(admin.id(), Map.of("max-width", "768", "signup-credits", "50", "attempt-timeout", "2m"));

            assertInForce(port, validator, accounts, "here@example.com");
            assertThat(queueTimeoutOfANewAttempt()).isEqualTo(Duration.ofMinutes(2));
            assertThat(balance("old@example.com")).as("existing accounts keep their credits").isEqualTo(20);

            eventually(() -> secondSettings.current().maxWidth() == 768);
            assertThat(secondSettings.current().attemptTimeout()).isEqualTo(Duration.ofMinutes(2));
            assertInForce(((WebServerApplicationContext) second).getWebServer().getPort(),
                    second.getBean(GenerationValidator.class), second.getBean(AccountService.class), "there@example.com");
        }
    }

    @Test
    void retriesQueueLimitLowBalanceAndUpiPayeeApplyToWhatHappensNext() throws Exception {
        SignedInUser user = accounts.register("user@example.com", PASSWORD);
        BrowserSession browser = new BrowserSession(port).signIn("user@example.com", PASSWORD);
        assertThat(Html.tagOf(browser.get("/generate").body(), "low-balance-warning")).as("20 credits, threshold 5").isNull();
        editor.change(admin.id(), Map.of("automatic-retries", "0", "max-queued-jobs-per-user", "1",
                "upi-vpa", "", "low-balance-threshold", "50"));

        assertThat(Html.textOf(browser.get("/generate").body(), "low-balance-warning")).as("20 credits, threshold 50")
                .contains("Your balance is low");

        assertThat(generation.submit(user.id(), GenerationRequest.of("sd15", "a red fox")).maxAttempts()).isEqualTo(1);
        assertThatThrownBy(() -> generation.submit(user.id(), GenerationRequest.of("sd15", "a blue fox")))
                .isInstanceOf(TooManyQueuedJobsException.class);
        assertThat(upi.current().enabled()).as("UPI is offered only with a VPA").isFalse();
        assertThat(Html.text(browser.get("/buy").body())).doesNotContain("Pay with UPI");

        editor.change(admin.id(), Map.of("upi-vpa", "studio@okicici", "upi-payee-name", "Studio"));
        assertThat(upi.current().vpa()).isEqualTo("studio@okicici");
        assertThat(upi.current().payeeName()).isEqualTo("Studio");
        assertThat(Html.text(browser.get("/buy").body())).contains("Pay with UPI");
    }

    /** The Generate page's bounds, the validator, the Help page's numbers and a new signup follow the changed settings. */
    private void assertInForce(int serverPort, GenerationValidator checker, AccountService signups, String email)
            throws Exception {
        assertThatThrownBy(() -> checker.validate(new GenerationRequest("sd15", "a fox", null, 832, 512, 1, 1L,
                null, null, null, null)))
                .isInstanceOf(InvalidGenerationRequestException.class)
                .hasMessageContaining("Width must be between 64 and 768 pixels.");
        assertThat(checker.validate(new GenerationRequest("sd15", "a fox", null, 768, 512, 1, 1L, null, null, null, null))
                .width()).isEqualTo(768);
        signups.register(email, PASSWORD);
        assertThat(balance(email)).isEqualTo(50);
        HttpResponse<String> page = new BrowserSession(serverPort).signIn(email, PASSWORD).get("/generate");
        assertThat(Html.attributeOf(page.body(), "width", "max")).isEqualTo("768");
        String help = new BrowserSession(serverPort).get("/help").body();
        assertThat(Html.textOf(help, "faq-sizes")).contains("Width from 64 to 768 pixels");
        assertThat(Html.textOf(help, "faq-signup")).contains("50 credits");
        assertThat(Html.textOf(help, "faq-timeout")).contains("2 minutes");
    }

    private Duration queueTimeoutOfANewAttempt() {
        SignedInUser user = accounts.register("timeout@example.com", PASSWORD);
        generation.submit(user.id(), GenerationRequest.of("sd15", "a fox"));
        return queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow().attemptTimeout();
    }

    private long balance(String email) {
        return statements.balance(accounts.findByEmail(email).orElseThrow().id()).availableCredits();
    }

    private static void eventually(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("the second instance saw the change within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
