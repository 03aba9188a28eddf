package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.TestAccounts;

/**
 * The light and dark themes and the phone menu in a real headless Chromium: the theme follows the
 * system until the header's button picks one, and the choice lasts; on a 390 px phone the signed-in
 * menu folds behind a "Menu" button that works with the keyboard, and without JavaScript every
 * link stays reachable. Skipped on a developer machine without Chromium; required when {@code CI=true}.
 */
class ThemeAndMenuBrowserTest extends BrowserTestBase {

    private static final String LIGHT_BACKGROUND = "rgb(245, 246, 250)";
    private static final String DARK_BACKGROUND = "rgb(13, 15, 20)";

    @Autowired AccountService accounts;

    @Test
    void theThemeFollowsTheSystemUntilTheUserPicksOneAndThePickLasts() throws Exception {
        systemPrefers("dark");
        browser.get(url("/login"));
        assertThat(background()).isEqualTo(DARK_BACKGROUND);
        WebElement toggle = browser.findElement(By.id("theme-toggle"));
        assertThat(toggle.isDisplayed()).isTrue();
        assertThat(toggle.getText()).isEqualTo("Theme: System");
        systemPrefers("light");
        assertThat(background()).isEqualTo(LIGHT_BACKGROUND);

        systemPrefers("dark");
        toggle.click();
        assertThat(toggle.getText()).isEqualTo("Theme: Light");
        assertThat(background()).as("the pick overrides the dark system").isEqualTo(LIGHT_BACKGROUND);
        Chromium.screenshot(browser, "login-light");
        toggle.click();
        assertThat(toggle.getText()).isEqualTo("Theme: Dark");
        systemPrefers("light");
        browser.get(url("/register"));
        assertThat(browser.findElement(By.id("theme-toggle")).getText()).isEqualTo("Theme: Dark");
        assertThat(background()).as("the pick lasts on the next page").isEqualTo(DARK_BACKGROUND);
        Chromium.screenshot(browser, "register-dark");

        browser.findElement(By.id("theme-toggle")).click();
        assertThat(browser.findElement(By.id("theme-toggle")).getText()).isEqualTo("Theme: System");
        assertThat(background()).as("back to the system's").isEqualTo(LIGHT_BACKGROUND);
        assertThat(js().executeScript("return localStorage.getItem('t2i-theme')")).isNull();
    }

    @Test
    void onAPhoneTheMenuFoldsBehindAButtonThatWorksWithTheKeyboardAndWithoutJavaScriptEveryLinkShows() throws Exception {
        TestAccounts.admin(accounts, db, "admin@example.com");
        signInAs("admin@example.com");
        resize(390);
        browser.get(url("/admin/workers"));
        WebElement menu = browser.findElement(By.id("menu-toggle"));
        WebElement admin = browser.findElement(By.id("nav-admin"));
        assertThat(menu.isDisplayed()).isTrue();
        assertThat(admin.isDisplayed()).as("folded").isFalse();
        assertThat(menu.getAttribute("aria-expanded")).isEqualTo("false");
        Chromium.screenshot(browser, "phone-menu-folded");

        menu.sendKeys(Keys.ENTER);
        assertThat(menu.getAttribute("aria-expanded")).isEqualTo("true");
        assertThat(admin.isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("sign-out")).isDisplayed()).isTrue();
        assertThat(scrollsSideways()).isFalse();
        Chromium.screenshot(browser, "phone-menu-open");
        admin.sendKeys(Keys.ESCAPE);
        assertThat(menu.getAttribute("aria-expanded")).isEqualTo("false");
        assertThat(admin.isDisplayed()).isFalse();
        assertThat(browser.switchTo().activeElement()).as("the focus goes back to the button").isEqualTo(menu);

        resize(1280);
        assertThat(menu.isDisplayed()).as("no menu button on a wide screen").isFalse();
        assertThat(admin.isDisplayed()).isTrue();
        Chromium.screenshot(browser, "desktop-admin");

        ((ChromeDriver) browser).executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));
        resize(390);
        browser.get(url("/admin/workers"));
        assertThat(browser.findElement(By.id("menu-toggle")).isDisplayed()).as("without JavaScript").isFalse();
        for (String link : List.of("nav-generate", "nav-history", "nav-admin", "nav-account", "sign-out")) {
            assertThat(browser.findElement(By.id(link)).isDisplayed()).as(link + " without JavaScript").isTrue();
        }
        assertThat(scrollsSideways()).isFalse();
        Chromium.screenshot(browser, "phone-without-javascript");
    }

    private void systemPrefers(String scheme) {
        ((ChromeDriver) browser).executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** The page's background colour ({@code --bg} of the theme in force). */
    private String background() {
        return (String) js().executeScript("return getComputedStyle(document.body).backgroundColor");
    }

    private boolean scrollsSideways() {
        return (Boolean) js().executeScript("return document.documentElement.scrollWidth > window.innerWidth");
    }


}
