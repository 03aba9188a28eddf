package org.text2image.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each setting accepts, without a database: durations, links, the floor of the largest size, start-up defaults. */
class SettingRulesTest {

    @ParameterizedTest
    @CsvSource({"90s, PT1M30S, 1m30s", "2m, PT2M, 2m", "1h30m, PT1H30M, 1h30m", "45, PT45M, 45m", "24h, PT24H, 24h",
            "10s, PT10S, 10s", "' 3 M ', PT3M, 3m"})
    void aTimeoutIsTypedWithUnitsOrAsMinutesAndWrittenBackTheSameWay(String typed, Duration value, String written) {
        Object parsed = SettingRules.parse(Setting.ATTEMPT_TIMEOUT, typed, 64);

        assertThat(parsed).isEqualTo(value);
        assertThat(SettingRules.format(parsed)).isEqualTo(written);
        assertThat(SettingRules.parse(Setting.ATTEMPT_TIMEOUT, written, 64)).isEqualTo(value);
    }

    @ParameterizedTest
    @CsvSource({"https://wa.me/911234567890, true", "https://api.whatsapp.com/send?phone=911234567890, true",
            "https://wa.me/, false", "http://wa.me/911234567890, false", "https://wa.me.evil.example/1, false",
            "https://user@wa.me/1, false", "https://wa.me:8443/1, false", "javascript:alert(1)//https://wa.me/1, false"})
    void onlyWhatsappLinksOverHttpsAreAccepted(String link, boolean accepted) {
        if (accepted) {
            assertThat(SettingRules.parse(Setting.WHATSAPP_LINK, link, 64)).isEqualTo(link);
        } else {
            assertThatThrownBy(() -> SettingRules.parse(Setting.WHATSAPP_LINK, link, 64))
                    .isInstanceOf(SettingRules.InvalidSettingException.class);
        }
    }

    @Test
    void theLargestSizeIsAtLeastTheConfiguredSmallestRoundedUpTo64() {
        assertThat(SettingRules.parse(Setting.MAX_WIDTH, "256", 200)).isEqualTo(256);
        assertThatThrownBy(() -> SettingRules.parse(Setting.MAX_WIDTH, "192", 200))
                .hasMessage("Enter a multiple of 64 from 256 to 4096 pixels, such as 768 or 1024.");
    }

    @Test
    void aDefaultThePageWouldRefuseStopsStartUpNamingItsKey() {
        assertThatThrownBy(() -> new SettingsProperties("help", "", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("text2image.settings.support-email: Enter an email address");
        assertThat(new SettingsProperties(" help@example.com ", "", "").supportEmail()).isEqualTo("help@example.com");
    }
}
