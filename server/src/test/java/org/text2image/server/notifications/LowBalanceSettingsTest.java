package org.text2image.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.text2image.server.Text2ImageApplication;
import org.text2image.server.settings.LiveSettings;
import org.text2image.server.settings.Settings;

/** The low-balance threshold: a negative one stops the server at start-up, 0 turns warnings off. */
class LowBalanceSettingsTest {

    @TempDir Path dir;

    @Test
    void aNegativeThresholdStopsStartUpWithAClearMessage() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(Text2ImageApplication.class)
                .run("--text2image.credits.low-balance-threshold=-1",
                        "--text2image.database.embedded-data-dir=" + dir.resolve("pg"),
                        "--text2image.catalog.models-file=src/test/resources/config/models.json",
                        "--text2image.embedded-worker.enabled=false",
                        "--server.port=0")
                .close())
                .rootCause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text2image.credits.low-balance-threshold must be 0 (no warnings) or more credits, was -1");
    }

    @Test
    void aThresholdOfZeroNeverCountsAsLow() {
        LowBalanceWarnings off = new LowBalanceWarnings(null, null, null, threshold(0), null, null);
        LowBalanceWarnings five = new LowBalanceWarnings(null, null, null, threshold(5), null, null);

        assertThat(off.isLow(0)).isFalse();
        assertThat(five.isLow(4)).isTrue();
        assertThat(five.isLow(5)).isFalse();
    }

    private static LiveSettings threshold(long credits) {
        return LiveSettings.fixed(new Settings(1024, 1024, 20, credits, "", "", "", "", Duration.ofMinutes(5), 2, 20, ""));
    }
}
