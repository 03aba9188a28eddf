package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.TestAccounts;

/**
 * A real headless Chromium: an admin adds expiring credits with a reason on /admin/credits, a
 * refused adjustment shows its message beside the field, reloading the result page grants nothing
 * again, and the user's Credits page then shows the entry, its expiry and the totals. Screenshots go to target/screenshots.
 */
class CreditsBrowserTest extends BrowserTestBase {

    @Autowired AccountService accounts;

    @Test
    void anAdminAddsCreditsWithAReasonAndTheUserSeesThemInTheirHistory() throws Exception {
        TestAccounts.admin(accounts, db, "boss@example.com");
        accounts.register("maya@example.com", "correct horse");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        signIn("boss@example.com");
        browser.get(url("/admin/credits"));
        fill("email", "maya@example.com");
        fill("amount", "0");
        fill("reason", "Welcome bonus");
        browser.findElement(By.id("adjust-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("amount-error")));
        assertThat(browser.findElement(By.id("amount-error")).getText()).contains("must not be 0");

        fill("amount", "15");
        fill("expiresInDays", "30");
        browser.findElement(By.id("adjust-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
        assertThat(browser.findElement(By.id("notice")).getText())
                .isEqualTo("Added 15 credits to maya@example.com. Balance now 35 available.");
        assertThat(browser.findElement(By.id("audit")).getText()).contains("Welcome bonus", "+15");
        Chromium.screenshot(browser, "admin-credits");
        browser.navigate().refresh(); // repeats the GET only: nothing is granted again
        assertThat(browser.findElements(By.id("notice"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#audit .audit-row"))).hasSize(1);

        browser.findElement(By.id("sign-out")).click();
        signIn("maya@example.com");
        browser.get(url("/credits"));
        assertThat(browser.findElement(By.id("balance")).getText()).isEqualTo("35 credits");
        assertThat(browser.findElement(By.id("credits-expiring")).getText()).startsWith("15 credits expiring on");
        assertThat(browser.findElement(By.id("ledger")).getText()).contains("Admin adjustment: Welcome bonus", "+15");
        assertThat(browser.findElement(By.id("totals-week")).getText()).isEqualTo("This week 35 0 0 0");
        Chromium.screenshot(browser, "credits");
    }

    private void signIn(String email) {
        browser.get(url("/login"));
        fill("email", email);
        fill("password", "correct horse");
        browser.findElement(By.id("submit")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
    }

    private void fill(String id, String text) {
        var field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

}
