package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.webjars.WebJarVersionLocator;
import org.springframework.boot.test.web.server.LocalServerPort;

/** End-to-end tests in a real headless Chromium ({@link Chromium}): a fresh browser per test. */
abstract class BrowserTestBase extends EndToEndTestBase {

    @LocalServerPort int port;
    WebDriver browser;

    @BeforeEach
    void startBrowser() throws Exception {
        browser = Chromium.start();
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** The server's address for {@code path}, such as {@code /credits}. */
    String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** Signs in through the login form (password {@code correct horse}) and waits until the browser left it. */
    void signInAs(String email) {
        browser.get(url("/login"));
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys("correct horse");
        browser.findElement(By.id("submit")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
    }

    /**
     * Adds the current page's layout problems to {@code problems}, each prefixed with {@code where}:
     * sideways scrolling, and the serious and critical axe-core violations ({@link #axeViolations}).
     */
    void checkPage(String where, String axe, List<String> problems) {
        Long scrollWidth = (Long) js().executeScript("return document.documentElement.scrollWidth");
        Long innerWidth = (Long) js().executeScript("return window.innerWidth");
        if (scrollWidth > innerWidth) {
            problems.add(where + ": " + scrollWidth + " px wide, scrolls sideways");
        }
        axeViolations(axe).forEach(violation -> problems.add(where + ": " + violation));
    }

    /** The browser as a script runner. */
    JavascriptExecutor js() {
        return (JavascriptExecutor) browser;
    }

    /** Makes the page area exactly {@code width} CSS pixels wide (900 high), whatever browser chrome there is. */
    void resize(int width) {
        browser.manage().window().setSize(new Dimension(width, 900));
        // The window's size includes no browser chrome in headless mode; correct for any that is there.
        long inner = (Long) js().executeScript("return window.innerWidth");
        if (inner != width) {
            browser.manage().window().setSize(new Dimension((int) (2 * width - inner), 900));
        }
    }

    /**
     * The serious and critical violations axe-core finds on the current page, one line each
     * ({@code impact id: help at selector (summary); …}, at most three elements a rule).
     *
     * @param axe axe-core's script ({@link #axeSource()}), injected into the page first
     */
    @SuppressWarnings("unchecked")
    List<String> axeViolations(String axe) {
        js().executeScript(axe);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return (List<String>) js().executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']}).then(function (result) {
                  done(result.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                    .map(function (v) {
                      return v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(function (n) {
                        return n.target.join(' ') + ' (' + (n.failureSummary || '').replace(/\\s+/g, ' ') + ')';
                      }).join('; ');
                    }));
                }, function (error) { done(['axe failed: ' + error]); });
                """);
    }

    /** axe-core's script, from its WebJar on the test class path. */
    static String axeSource() throws IOException {
        String path = new WebJarVersionLocator().fullPath("axe-core", "axe.min.js");
        try (InputStream in = BrowserTestBase.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as("axe-core's WebJar at " + path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
