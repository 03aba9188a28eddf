package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.help.SupportChat;
import org.text2image.server.help.chat.ReplyMailTask;
import org.text2image.server.help.chat.SupportStreams;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestSmtp;

/**
 * The support chat in two real headless Chromiums: a user writes from the page of their finished
 * job (the Help button attaches it), an admin answers from the inbox in another browser, and the
 * user's open page shows the answer without a reload and no mail goes out. Once the user has left
 * the site, the next answer reaches them by mail (GreenMail). With {@code -Dscreenshots.write=true}
 * the admin's conversation page is saved to {@code docs/admin/support.png}.
 */
class SupportChatBrowserTest extends BrowserTestBase {

    private static final int SMTP_PORT = TestSmtp.freePort();
    @RegisterExtension static final GreenMailExtension SMTP = TestSmtp.server(SMTP_PORT);

    @DynamicPropertySource
    static void smtpAndQuickMail(DynamicPropertyRegistry registry) {
        TestSmtp.use(registry, SMTP_PORT);
        registry.add("text2image.mail.delivery-interval", () -> "200ms");
        registry.add("text2image.help.keep-alive-interval", () -> "1s");
        registry.add("text2image.help.mail-check-interval", () -> "1s");
        registry.add("db-scheduler.polling-interval", () -> "200ms");
    }

    @Autowired AccountService accounts;
    @Autowired ReplyMailTask replyMails;
    @Autowired MutableClock clock;
    @Autowired SupportChat support;
    @Autowired SupportStreams streams;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aUserAsksAboutAJobAndSeesTheAdminsAnswerLiveThenGetsTheNextOneByMailWhenAway() throws Exception {
        TestAccounts.admin(accounts, db, "boss@example.com");
        SignedInUser maya = accounts.register("maya@example.com", "correct horse");
        UUID job = generation.submit(maya.id(), GenerationRequest.of("sd15", "a lighthouse at dusk")).id();
        awaitJob(job, maya.id(), view -> view.status() == JobStatus.SUCCEEDED);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        signIn(browser, "maya@example.com");
        browser.get(url("/jobs/" + job));
        browser.findElement(By.id("nav-help")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("support-about")));
        assertThat(browser.findElement(By.id("support-about")).getText()).contains("About your job", job.toString().substring(0, 8));
        browser.findElement(By.id("support-body")).sendKeys("My lighthouse came out too dark. Can you look?");
        browser.findElement(By.id("support-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Message sent"));
        assertThat(browser.findElement(By.id("support-messages")).getText()).contains("too dark", "about job");
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");

        WebDriver admin = Chromium.start();
        try {
            signIn(admin, "boss@example.com");
            admin.get(url("/admin/support"));
            assertThat(admin.findElement(By.id("inbox")).getText()).contains("maya@example.com");
            assertThat(admin.findElement(By.cssSelector(".inbox-row .inbox-unread")).getText()).isEqualTo("1");
            admin.findElement(By.cssSelector(".inbox-row .inbox-open")).click();
            WebDriverWait adminWait = new WebDriverWait(admin, Duration.ofSeconds(20));
            adminWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reply-body")));
            admin.findElement(By.id("reply-body")).sendKeys("Try a CFG scale of 5: https://example.com/tips");
            admin.findElement(By.id("reply-send")).click();
            adminWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Reply sent"));
            saveScreenshotForTheDocs(admin);

            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("support-messages"), "Try a CFG scale of 5"));
            assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true")).isEqualTo(true);
            assertThat(browser.findElement(By.cssSelector("#support-messages .from-support a")).getAttribute("rel"))
                    .isEqualTo("nofollow noopener noreferrer");
            assertThat(replyMails.mailWaitingReplies()).as("seen live: nothing to mail").isZero();
            assertThat(count("SELECT count(*) FROM mail_outbox WHERE recipient = 'maya@example.com'")).isZero();

            browser.get("about:blank"); // Maya leaves the site: her page's stream ends
            long conversation = support.conversationOf(maya.id()).orElseThrow().id();
            new WebDriverWait(admin, Duration.ofSeconds(20)).until(driver -> streams.openStreams(conversation) == 1);
            clock.advance(Duration.ofMinutes(10));
            admin.findElement(By.id("reply-body")).sendKeys("Did that help?");
            admin.findElement(By.id("reply-send")).click();
            adminWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("support-messages"), "Did that help?"));
        } finally {
            admin.quit();
        }

        assertThat(SMTP.waitForIncomingEmail(20_000, 1)).as("the reply is mailed").isTrue();
        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("maya@example.com");
        assertThat(mail.getSubject()).isEqualTo("Text2Image support answered you");
        assertThat(mail.getContent().toString()).contains("Did that help?", "/support").doesNotContain("CFG scale");
    }

    @Test
    void theSupportInboxShowsANewConversationWithoutAReload() throws Exception {
        TestAccounts.admin(accounts, db, "boss@example.com");
        SignedInUser maya = accounts.register("maya@example.com", "correct horse");
        signIn(browser, "boss@example.com");
        browser.get(url("/admin/support"));
        assertThat(browser.findElement(By.id("inbox-empty")).getText()).isEqualTo("No conversations here.");
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");

        support.write(maya.id(), "Is the queue stuck?", null, null, UUID.randomUUID().toString());

        new WebDriverWait(browser, Duration.ofSeconds(25)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("inbox-list"), "maya@example.com"));
        assertThat(browser.findElement(By.cssSelector(".inbox-row .inbox-unread")).getText()).isEqualTo("1");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true")).isEqualTo(true);
    }

    /** docs/admin/support.png, only when asked for: screenshots in the repository change only on purpose. */
    private static void saveScreenshotForTheDocs(WebDriver admin) throws Exception {
        Chromium.screenshot(admin, "admin-support");
        if (Boolean.getBoolean("screenshots.write")) {
            Path target = Path.of("../docs/admin/support.png");
            Files.createDirectories(target.getParent());
            Files.copy(Path.of("target", "screenshots", "admin-support.png"), target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void signIn(WebDriver driver, String email) {
        driver.get(url("/login"));
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys("correct horse");
        driver.findElement(By.id("submit")).click();
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
    }
}
