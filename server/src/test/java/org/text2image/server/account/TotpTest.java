package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** TOTP against RFC 6238 appendix B (the SHA-1 column) and the ±1 step window. */
class TotpTest {

    /** RFC 6238 appendix B: the SHA-1 seed is the ASCII of "12345678901234567890". */
    static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "{0} s → {1}")
    @CsvSource({
            "59,          94287082",
            "1111111109,  07081804",
            "1111111111,  14050471",
            "1234567890,  89005924",
            "2000000000,  69279037",
            "20000000000, 65353130",
    })
    void matchesTheRfc6238TestVectors(long epochSeconds, String expected) {
        assertThat(Totp.code(SEED, Totp.step(Instant.ofEpochSecond(epochSeconds)), 8)).isEqualTo(expected);
    }

    @Test
    void acceptsTheCurrentStepAndOneEitherSideButNoFurther() {
        Instant now = Instant.ofEpochSecond(1_111_111_111);
        long step = Totp.step(now);

        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step, 6), now)).hasValue(step);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step - 1, 6), now)).hasValue(step - 1);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step + 1, 6), now)).hasValue(step + 1);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step - 2, 6), now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step + 2, 6), now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, "12345", now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, "abcdef", now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, null, now)).isEmpty();
    }

    @Test
    void encodesTheSecretInBase32AsRfc4648Does() {
        assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Totp.base32(SEED)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }
}
