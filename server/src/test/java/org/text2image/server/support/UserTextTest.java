package org.text2image.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What counts as visible, and which characters an email or a name may not have. */
class UserTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"\u200B", "\u00A0", "\u2007", "\u200B\u00A0\u2007", "  \t\n", "\u3000\u2060\uFEFF",
            "\u202E\u2066\u200F", "\u0301", "\u3164\u2800"})
    void textOfSpacesAndFormatCharactersOnlyHasNothingVisible(String text) {
        assertThat(UserText.hasVisibleCharacter(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "\u200B a lighthouse \u00A0", "灯台", "🙂", "\u202Egnp.exe", "é"})
    void textWithALetterDigitSymbolOrEmojiIsVisible(String text) {
        assertThat(UserText.hasVisibleCharacter(text)).isTrue();
    }

    @Test
    void normalisesToNfcAndStripsUnicodeWhitespace() {
        assertThat(UserText.normalise("\u2003cafe\u0301 ")).isEqualTo("caf\u00E9");
        assertThat(UserText.normalise(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"al\u202Eice@example.com", "a\u2066b@example.com", "a\u200Eb@example.com",
            "a\u200Fb@example.com", "a\u0007b@example.com", "a\u0085b@example.com", "a\u061Cb@example.com"})
    void findsControlAndBidiFormattingCharacters(String text) {
        assertThat(UserText.hasControlOrBidi(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice@example.com", "ålice@exämple.com", "محمد@example.com"})
    void plainEmailsHaveNoControlOrBidiCharacters(String text) {
        assertThat(UserText.hasControlOrBidi(text)).isFalse();
    }
}
