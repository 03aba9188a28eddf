package org.text2image.server.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.WebDriver;
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
}
