package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;

/**
 * The Developers page and the API reference in a real headless Chromium: a user creates a key,
 * the copy button is there and copies it, the key answers {@code GET /api/v1/balance}, the secret
 * is gone after a reload, the page has no serious accessibility violation and no sideways
 * scrolling at 390 px (where the menu still leads to it), and Swagger UI at
 * {@code /swagger-ui/index.html} renders every operation without a Content-Security-Policy
 * violation. Skipped on a developer machine without Chromium; required when {@code CI=true}.
 */
class DevelopersBrowserTest extends BrowserTestBase {

    @Autowired AccountService accounts;

    @Test
    void aUserCreatesAKeyCopiesItAndTheKeyWorksAgainstTheApi() throws Exception {
        accounts.register("dev@example.com", "correct horse");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        signIn("dev@example.com");
        browser.findElement(By.id("nav-developers")).click();
        wait.until(ExpectedConditions.urlContains("/developers"));
        resize(AccessibilityBrowserTest.DESKTOP_WIDTH);
        assertThat(middle("nav-developers")).as("at 1280 px the header is one row: links and buttons side by side")
                .isCloseTo(middle("sign-out"), offset(8.0));

        browser.findElement(By.id("key-name")).sendKeys("laptop script");
        browser.findElement(By.id("create-key")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key-secret")));
        String secret = browser.findElement(By.id("new-key-secret")).getAttribute("value");
        assertThat(secret).matches("t2i_[A-Za-z0-9_-]{43}");
        assertThat(browser.findElement(By.id("new-key-warning")).getText()).contains("it will not be shown again");
        WebElement copy = browser.findElement(By.id("copy-new-key"));
        assertThat(copy.isDisplayed()).as("js/copy-button.js shows the copy button").isTrue();
        copy.click();
        wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("copy-status"), "")));
        assertThat(browser.findElement(By.id("copy-status")).getText()).isNotBlank();
        Chromium.screenshot(browser, "developers-new-key");

        HttpResponse<String> balance = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/api/v1/balance")))
                .header("Authorization", "Bearer " + secret).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(balance.statusCode()).isEqualTo(200);
        assertThat(balance.body()).contains("\"available_credits\"");

        List<String> problems = new ArrayList<>();
        collectCspViolations(problems, "/developers with a new key");
        browser.navigate().refresh();
        wait.until(d -> "complete".equals(js().executeScript("return document.readyState")));
        assertThat(browser.findElements(By.id("new-key-secret"))).as("the secret is shown once").isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(secret);
        assertThat(browser.findElement(By.cssSelector(".api-key .api-key-last-used")).getText()).contains("127.0.0.1");

        for (String theme : List.of("light", "dark")) {
            js().executeScript("localStorage.setItem('t2i-theme', arguments[0]);", theme);
            browser.navigate().refresh();
            wait.until(d -> "complete".equals(js().executeScript("return document.readyState")));
            browser.findElement(By.cssSelector("details.revoke summary")).click(); // the confirmation, open
            for (String violation : axeViolations(axeSource())) {
                problems.add(theme + ": " + violation);
            }
        }

        resize(AccessibilityBrowserTest.PHONE_WIDTH);
        browser.navigate().refresh();
        wait.until(d -> "complete".equals(js().executeScript("return document.readyState")));
        assertThat((Long) js().executeScript("return document.documentElement.scrollWidth"))
                .as("no sideways scrolling at 390 px").isLessThanOrEqualTo(AccessibilityBrowserTest.PHONE_WIDTH);
        browser.findElement(By.id("menu-toggle")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-developers")));
        Chromium.screenshot(browser, "developers-phone");
        collectCspViolations(problems, "/developers");
        assertThat(problems).as("CSP violations and serious accessibility violations").isEmpty();
    }

    @Test
    void theApiReferenceRendersEveryOperationWithoutAContentSecurityPolicyViolation() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(url("/swagger-ui.html"));
        wait.until(ExpectedConditions.urlContains("/swagger-ui/index.html"));
        wait.until(d -> d.findElements(By.cssSelector(".opblock")).size() >= 7);
        String page = browser.findElement(By.id("swagger-ui")).getText();
        assertThat(page).contains("Text2Image API", "/api/v1/jobs", "/api/v1/jobs/{id}/cancel", "/api/v1/balance",
                "/api/v1/credits/history", "/api/v1/models", "Authorize");
        browser.findElements(By.cssSelector(".opblock-summary")).getFirst().click(); // one operation, expanded
        wait.until(d -> !d.findElements(By.cssSelector(".opblock-body")).isEmpty());
        Chromium.screenshot(browser, "swagger-ui");
        List<String> violations = new ArrayList<>();
        collectCspViolations(violations, "/swagger-ui/index.html");
        assertThat(violations).as("CSP violations on the API reference").isEmpty();
    }

    /** The vertical middle of an element on the page, in CSS pixels. */
    private double middle(String id) {
        Rectangle box = browser.findElement(By.id(id)).getRect();
        return box.getY() + box.getHeight() / 2.0;
    }

    private void collectCspViolations(List<String> violations, String where) {
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            String message = entry.getMessage();
            if (message.contains("Content Security Policy") || message.contains("Refused to")) {
                violations.add(where + ": " + message);
            }
        }
    }

    private void signIn(String email) throws IOException {
        browser.get(url("/login"));
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys("correct horse");
        browser.findElement(By.id("submit")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/generate"));
    }
}
