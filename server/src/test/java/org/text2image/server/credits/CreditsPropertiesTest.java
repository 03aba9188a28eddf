package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code text2image.credits.*} binds to one record, with defaults, and refuses settings that make no sense. */
class CreditsPropertiesTest {

    @Test
    void everyCreditsSettingBindsToOneRecord() {
        CreditsProperties properties = bind(Map.of("text2image.credits.expiry-interval", "30s",
                "text2image.credits.low-balance-threshold", "3"));

        assertThat(properties).isEqualTo(new CreditsProperties(Duration.ofSeconds(30), 3));
    }

    @Test
    void unsetSettingsTakeTheirDefaults() {
        assertThat(bind(Map.of())).isEqualTo(new CreditsProperties(Duration.ofMinutes(1), 5));
    }

    @Test
    void aNonPositiveExpiryIntervalIsRefusedWithItsKey() {
        assertThatThrownBy(() -> bind(Map.of("text2image.credits.expiry-interval", "0s")))
                .isInstanceOf(BindException.class).rootCause()
                .hasMessage("text2image.credits.expiry-interval must be positive, was PT0S");
    }

    private static CreditsProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("text2image.credits", Bindable.of(CreditsProperties.class));
    }
}
