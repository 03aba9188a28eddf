package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.TestAccounts;

/**
 * Every main page works under the Content-Security-Policy in a real headless Chromium: an admin
 * walks Generate (htmx updates the quote), a job page that updates live (event stream and htmx),
 * History, Credits, Buy, a UPI payment page (QR image, polling), Payments, and every admin page
 * (creating a worker token and selecting it), and the 404 page; the browser's console log has no
 * CSP violation (nor a complaint about the Permissions-Policy header). A deliberate inline script at the end shows the check sees violations. Skipped
 * on a developer machine without Chromium; required when {@code CI=true}.
 */
class CspBrowserTest extends BrowserTestBase {

    @Autowired AccountService accounts;

    @Test
    void everyMainPageRunsWithoutAContentSecurityPolicyViolation() throws Exception {
        TestAccounts.admin(accounts, db, "csp@example.com");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        List<String> violations = new ArrayList<>();
        browser.get(url("/"));
        browser.get(url("/login"));
        browser.findElement(By.id("email")).sendKeys("csp@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.urlContains("/generate"));
        collect(violations, "/generate");

        js().executeScript("window.swaps = 0; document.body.addEventListener('htmx:afterSwap', function () { window.swaps++; });");
        String other = (String) js().executeScript("return Array.from(document.querySelectorAll('#modelId option'))"
                + ".filter(o => !o.disabled && !o.selected)[0].value");
        new Select(browser.findElement(By.id("modelId"))).selectByValue(other);
        wait.until(driver -> ((Long) js().executeScript("return window.swaps")) >= 2); // the quote and the model's fields
        new Select(browser.findElement(By.id("modelId"))).selectByValue("sd15");
        wait.until(driver -> ((Long) js().executeScript("return window.swaps")) >= 4);
        browser.findElement(By.id("prompt")).sendKeys("a lighthouse under a strict policy");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.urlMatches(".*/jobs/[0-9a-f-]{36}$"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("img.job-image")));
        collect(violations, "job page");

        for (String page : List.of("/history", "/credits", "/buy")) {
            browser.get(url(page));
            collect(violations, page);
        }
        browser.findElement(By.id("pay-creator-upi")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upi-qr")));
        assertThat((Long) js().executeScript("return document.getElementById('upi-qr').naturalWidth"))
                .as("the QR image loaded").isPositive();
        Thread.sleep(3500); // one round of the payment page's htmx polling
        collect(violations, "payment page");

        browser.get(url("/admin/workers"));
        browser.findElement(By.id("token-name")).sendKeys("gpu-box");
        browser.findElement(By.id("create-token-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("issued-token")));
        browser.findElement(By.id("issued-token")).click();
        assertThat(js().executeScript("var f = document.getElementById('issued-token');"
                + " return f.selectionEnd - f.selectionStart === f.value.length && f.value.length > 0;"))
                .as("a click selects the whole token (js/select-on-click.js)").isEqualTo(true);
        collect(violations, "/admin/workers");
        for (String page : List.of("/payments", "/account", "/admin/credits", "/admin/ledger", "/admin/payments", "/admin/outbox",
                "/no-such-page")) {
            browser.get(url(page));
            collect(violations, page);
        }

        assertThat(violations).as("CSP violations in the console").isEmpty();
        js().executeScript("var s = document.createElement('script'); s.textContent = 'window.ran = true;';"
                + " document.head.appendChild(s);");
        collect(violations, "a deliberate inline script");
        assertThat(violations).as("the deliberate inline script is refused and reported").hasSize(1);
        assertThat(js().executeScript("return window.ran === true")).isEqualTo(false);
    }

    private void collect(List<String> violations, String where) {
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            String message = entry.getMessage();
            if (message.contains("Content Security Policy") || message.contains("Refused to")
                    || message.contains("Permissions-Policy")) { // e.g. a feature the browser does not know
                violations.add(where + ": " + message);
            }
        }
    }

}
