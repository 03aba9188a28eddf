package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.settings.Setting;
import org.text2image.server.settings.SettingsEditor;
import org.text2image.server.support.TestAccounts;

/**
 * A real headless Chromium on /admin/settings: a refused value is shown beside its field and saves
 * nothing, a corrected form saves, and the announcement appears at the top of the page. With
 * {@code -Dscreenshots.write=true} it saves the page to {@code docs/admin/settings.png} for docs/ADMIN.md.
 */
class SettingsBrowserTest extends BrowserTestBase {

    private static final Path SCREENSHOT = Path.of("../docs/admin/settings.png");

    @Autowired AccountService accounts;
    @Autowired SettingsEditor editor;
    SignedInUser admin;

    @AfterEach
    void restoreDefaults() {
        for (Setting setting : admin == null ? new Setting[0] : Setting.values()) {
            editor.reset(admin.id(), setting.key());
        }
    }

    @Test
    void anAdminCorrectsARefusedValueSavesAndSeesTheAnnouncement() throws Exception {
        admin = TestAccounts.admin(accounts, db, "boss@example.com");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        signIn("boss@example.com");
        browser.get(url("/admin/settings"));

        fill("setting-max-width", "700");
        browser.findElement(By.id("settings-save")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("max-width-error")));
        assertThat(browser.findElement(By.id("max-width-error")).getText()).startsWith("Enter a multiple of 64");
        assertThat(browser.findElements(By.id("announcement"))).isEmpty();

        fill("setting-max-width", "768");
        fill("setting-support-email", "help@example.com");
        fill("setting-announcement", "**Maintenance** on Sunday 02:00–03:00 UTC: jobs wait and run afterwards.");
        browser.findElement(By.id("settings-save")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
        assertThat(browser.findElement(By.id("notice")).getText())
                .isEqualTo("Saved: Largest width, Support email, Announcement.");
        assertThat(browser.findElement(By.cssSelector("#announcement strong")).getText()).isEqualTo("Maintenance");
        assertThat(browser.findElement(By.id("max-width-status")).getText()).contains("Overridden", "1024");
        assertThat(browser.findElements(By.id("reset-max-width"))).hasSize(1);
        saveScreenshot();

        browser.findElement(By.id("reset-max-width")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Largest width is back to its default."));
        assertThat(browser.findElement(By.id("setting-max-width")).getAttribute("value")).isEqualTo("1024");
    }

    /** The whole page, 1280 px wide, to docs/admin/settings.png: only with -Dscreenshots.write=true. */
    private void saveScreenshot() throws IOException {
        Chromium.screenshot(browser, "admin-settings");
        if (!Boolean.getBoolean("screenshots.write")) {
            return;
        }
        Dimension window = browser.manage().window().getSize();
        long height = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight");
        browser.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 120, 4000)));
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, withPalette(((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES)));
        browser.manage().window().setSize(window);
    }

    /**
     * The PNG with its 256 most frequent colours (each other colour drawn as the nearest of them):
     * a page of flat colours stays sharp at a third of the size of a true-colour PNG.
     */
    static byte[] withPalette(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        Map<Integer, Integer> counts = new HashMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                counts.merge(image.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
            }
        }
        int[] palette = counts.entrySet().stream().sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed())
                .limit(256).mapToInt(Map.Entry::getKey).toArray();
        byte[] r = new byte[palette.length];
        byte[] g = new byte[palette.length];
        byte[] b = new byte[palette.length];
        for (int i = 0; i < palette.length; i++) {
            r[i] = (byte) (palette[i] >> 16);
            g[i] = (byte) (palette[i] >> 8);
            b[i] = (byte) palette[i];
        }
        BufferedImage indexed = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, palette.length, r, g, b));
        Map<Integer, Integer> nearest = new HashMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                indexed.getRaster().setSample(x, y, 0, nearest.computeIfAbsent(rgb, c -> closest(c, palette)));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(indexed, "png", out);
        return out.toByteArray();
    }

    private static int closest(int rgb, int[] palette) {
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int i = 0; i < palette.length; i++) {
            int dr = (rgb >> 16 & 0xFF) - (palette[i] >> 16 & 0xFF);
            int dg = (rgb >> 8 & 0xFF) - (palette[i] >> 8 & 0xFF);
            int db = (rgb & 0xFF) - (palette[i] & 0xFF);
            long distance = (long) dr * dr + (long) dg * dg + (long) db * db;
            if (distance < bestDistance) {
                best = i;
                bestDistance = distance;
            }
        }
        return best;
    }

    private void signIn(String email) {
        browser.get(url("/login"));
        fill("email", email);
        fill("password", "correct horse");
        browser.findElement(By.id("submit")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
    }

    private void fill(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }
}
