package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The payments settings are checked when they are bound: a bad one stops start-up naming its key. */
class PaymentsPropertiesTest {

    @Test
    void upiIsOffWithoutAVpa() {
        assertThat(upi("", "").enabled()).isFalse();
        assertThat(upi(" shop@okaxis ", " Shop ").enabled()).isTrue();
        assertThat(upi(" shop@okaxis ", " Shop ").vpa()).isEqualTo("shop@okaxis");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no handle            | @okaxis           | Shop                                                | upi.vpa must be a UPI id",
            "no provider          | shop              | Shop                                                | upi.vpa must be a UPI id",
            "space in VPA         | my shop@okaxis    | Shop                                                | upi.vpa must be a UPI id",
            "no payee name        | shop@okaxis       | ''                                                  | upi.payee-name must be 1-50 characters",
            "over-long payee name | shop@okaxis       | 123456789012345678901234567890123456789012345678901 | upi.payee-name must be 1-50 characters",
    })
    void refusesABadUpiSettingNamingIt(String name, String vpa, String payee, String message) {
        assertThatThrownBy(() -> upi(vpa, payee)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text2image.payments." + message);
    }

    @Test
    void refusesAPendingLimitOutOfRange() {
        assertThatThrownBy(() -> new PaymentsProperties(Path.of("packs.json"), 0, Duration.ofMinutes(5), upi("", "")))
                .hasMessageContaining("text2image.payments.max-pending-per-user must be 1-100, was 0");
    }

    private static PaymentsProperties.Upi upi(String vpa, String payee) {
        return new PaymentsProperties.Upi(vpa, payee, "{reference}", Duration.ofHours(24));
    }
}
