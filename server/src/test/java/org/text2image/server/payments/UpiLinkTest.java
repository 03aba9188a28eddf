package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.text2image.server.payments.upi.UpiLink;
import org.text2image.server.support.QrCodes;

/** The UPI link: NPCI's parameters in order, the amount with two decimals from exact paise, values percent-encoded. */
class UpiLinkTest {

    private static final PaymentsProperties.Upi UPI = new PaymentsProperties.Upi("shop.in@okaxis", "Café Ünïcode & Sons",
            "T2I {credits} credits ({pack}) {reference}", Duration.ofHours(24));

    @Test
    void writesTheAmountWithTwoDecimalsAndEncodesEveryValue() {
        String link = UpiLink.of(UPI, payment(100, 600), "Creator+");

        assertThat(link).isEqualTo("upi://pay?pa=shop.in@okaxis&pn=Caf%C3%A9%20%C3%9Cn%C3%AFcode%20%26%20Sons"
                + "&am=1.00&cu=INR&tr=K7QM2XH9PA&tn=T2I%20600%20credits%20%28Creator%2B%29%20K7QM2XH9PA");
    }

    @Test
    void keepsPaiseExactly() {
        assertThat(UpiLink.of(UPI, payment(49_999, 1), "P")).contains("&am=499.99&");
        assertThat(UpiLink.of(UPI, payment(1, 1), "P")).contains("&am=0.01&");
        assertThat(UpiLink.of(UPI, payment(1_000_000_000, 1), "P")).contains("&am=10000000.00&");
    }

    @Test
    void cutsTheNoteToFiftyCharacters() {
        String note = UpiLink.note("{pack} {reference}", payment(100, 1), "A".repeat(60));

        assertThat(note).hasSize(50).isEqualTo("A".repeat(50));
    }

    @Test
    void refusesAPaymentNotInRupees() {
        Payment dollars = new Payment(1, 1, PaymentProvider.UPI, PaymentState.AWAITING_UTR, "K7QM2XH9PA", "p", 1, 499,
                "USD", null, null, null, null, null, Instant.EPOCH, null, null, null, null, null);

        assertThatThrownBy(() -> UpiLink.of(UPI, dollars, "P")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INR only");
    }

    @Test
    void aQrCodeReadsBackAsItsText() throws Exception {
        String link = UpiLink.of(UPI, payment(49_900, 600), "Creator");

        assertThat(UpiTestSupport.decodeQr(QrCodes.png(link, 320))).isEqualTo(link);
    }

    private static Payment payment(long paise, long credits) {
        return new Payment(1, 1, PaymentProvider.UPI, PaymentState.AWAITING_UTR, "K7QM2XH9PA", "p", credits, paise,
                "INR", null, null, null, null, null, Instant.EPOCH, null, null, Instant.EPOCH.plusSeconds(86_400), null, null);
    }
}
