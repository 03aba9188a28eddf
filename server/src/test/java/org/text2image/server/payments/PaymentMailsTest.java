package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PaymentMailsTest {

    @Test
    void namesAPackOnceWhateverItsNameEndsWith() {
        assertThat(PaymentMails.packPhrase("Creator")).isEqualTo("the Creator pack");
        assertThat(PaymentMails.packPhrase("Dollar pack")).isEqualTo("the Dollar pack");
        assertThat(PaymentMails.packPhrase("Starter Pack ")).isEqualTo("the Starter Pack");
        assertThat(PaymentMails.packPhrase("Backpack")).as("a word that only ends in 'pack'").isEqualTo("the Backpack pack");
    }
}
