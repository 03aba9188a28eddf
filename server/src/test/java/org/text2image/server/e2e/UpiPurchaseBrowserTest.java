package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.TestAccounts;

/**
 * A real headless Chromium buys credits with UPI: the user chooses a pack, sees the QR code and the
 * steps, enters the UTR (a wrong one first, refused beside the field); an admin, in a second
 * browser with its own session, approves the request; the user's open payment page then shows the
 * approval and the new header balance without a reload. Screenshots go to target/screenshots.
 */
class UpiPurchaseBrowserTest extends BrowserTestBase {

    @Autowired AccountService accounts;

    @Test
    void aUserBuysWithUpiAndSeesTheBalanceUpdateWhenAnAdminApproves() throws Exception {
        TestAccounts.admin(accounts, db, "boss@example.com");
        accounts.register("maya@example.com", "correct horse");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        signIn(browser, "maya@example.com");
        browser.findElement(By.id("header-buy")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pack-creator")));
        assertThat(browser.findElement(By.id("pack-creator-price")).getText()).isEqualTo("₹499.00");
        browser.findElement(By.id("pay-creator-upi")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upi-qr")));
        assertThat(browser.findElement(By.id("upi-amount")).getText()).isEqualTo("₹499.00");
        assertThat(browser.findElement(By.id("upi-link")).getAttribute("href")).startsWith("upi://pay?pa=text2image@okaxis&");
        assertThat((Long) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return document.getElementById('upi-qr').naturalWidth")).as("the QR image loaded").isPositive();
        assertThat(browser.findElements(By.cssSelector("#upi-steps li"))).hasSize(4);
        Chromium.screenshot(browser, "upi-request");

        browser.findElement(By.id("utr")).sendKeys("12345678901");
        browser.findElement(By.id("utr-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("utr-error")));
        assertThat(browser.findElement(By.id("utr-error")).getText()).contains("exactly 12 digits");
        browser.findElement(By.id("utr")).clear();
        browser.findElement(By.id("utr")).sendKeys("612345678901");
        browser.findElement(By.id("utr-submit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("payment-state"), "Pending review"));
        assertThat(browser.findElement(By.id("balance")).getText()).isEqualTo("20 credits");

        WebDriver adminBrowser = Chromium.start();
        try {
            signIn(adminBrowser, "boss@example.com");
            adminBrowser.get(url("/admin/payments"));
            assertThat(adminBrowser.findElement(By.id("queue")).getText()).contains("maya@example.com", "612345678901", "₹499.00");
            Chromium.screenshot(adminBrowser, "admin-payments");
            adminBrowser.findElement(By.cssSelector("#queue button[id^='approve-']")).click();
            new WebDriverWait(adminBrowser, Duration.ofSeconds(20))
                    .until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
            assertThat(adminBrowser.findElement(By.id("notice")).getText()).contains("600 credits added for maya@example.com");
        } finally {
            adminBrowser.quit();
        }

        wait.until(ExpectedConditions.textToBe(By.id("payment-state"), "Approved"));
        wait.until(ExpectedConditions.textToBe(By.id("balance"), "620 credits"));
        Chromium.screenshot(browser, "upi-approved");
        assertThat(invariants.violations()).isEmpty();
    }

    private void signIn(WebDriver driver, String email) {
        driver.get(url("/login"));
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys("correct horse");
        driver.findElement(By.id("submit")).click();
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
    }
}
