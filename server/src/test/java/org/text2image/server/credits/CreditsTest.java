package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Credit amounts in words: singular for one, plural otherwise. */
class CreditsTest {

    @Test
    void oneCreditIsSingularEveryOtherAmountPlural() {
        assertThat(Credits.format(1)).isEqualTo("1 credit");
        assertThat(Credits.format(-1)).isEqualTo("-1 credit");
        assertThat(Credits.format(0)).isEqualTo("0 credits");
        assertThat(Credits.format(20)).isEqualTo("20 credits");
    }

    @Test
    void aWordCanStandBetweenTheNumberAndTheNoun() {
        assertThat(Credits.format(20, "free")).isEqualTo("20 free credits");
        assertThat(Credits.format(1, "free")).isEqualTo("1 free credit");
    }
}
