package org.text2image.server.payments.upi;

import java.nio.charset.StandardCharsets;
import org.text2image.server.payments.Money;
import org.text2image.server.payments.Payment;
import org.text2image.server.payments.PaymentsProperties;

/**
 * The UPI payment link of a request, as the QR code and the phone button carry it:
 * {@code upi://pay?pa=<VPA>&pn=<payee name>&am=<amount>&cu=INR&tr=<reference>&tn=<note>}.
 *
 * <p>Facts of the NPCI UPI Linking Specification relied on: the scheme and path {@code upi://pay};
 * {@code pa} the payee's VPA, {@code pn} the payee's name, {@code am} the amount in rupees as a
 * decimal (here always with exactly two decimals, {@code 499.00}), {@code cu} the currency (only
 * {@code INR}), {@code tr} the transaction reference (the payment's reference, letters and digits),
 * {@code tn} a note; parameter values are URL-encoded. Values are percent-encoded as UTF-8 bytes
 * with everything but RFC 3986's unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) and {@code @}
 * encoded, so a space is {@code %20} (never {@code +}, which some UPI apps show literally) and
 * {@code &} in a payee name is {@code %26}.
 */
public final class UpiLink {

    private UpiLink() {
    }

    /**
     * The link for a UPI request.
     *
     * @param upi the operator's payee settings
     * @param payment an INR payment
     * @param packName the pack's name, for the note's {@code {pack}}; for a plan payment the plan and period
     * @throws IllegalArgumentException for a payment not in INR
     */
    public static String of(PaymentsProperties.Upi upi, Payment payment, String packName) {
        if (!"INR".equals(payment.currency())) {
            throw new IllegalArgumentException("UPI takes INR only, not " + payment.currency());
        }
        return "upi://pay?pa=" + encode(upi.vpa()) + "&pn=" + encode(upi.payeeName())
                + "&am=" + Money.decimal(payment.amountMinor(), "INR") + "&cu=INR&tr=" + encode(payment.reference())
                + "&tn=" + encode(note(upi.noteTemplate(), payment, packName));
    }

    /**
     * The transaction note: the template with {@code {reference}}, {@code {credits}} and
     * {@code {pack}} replaced, cut to {@value PaymentsProperties.Upi#MAX_TEXT} characters. A plan
     * payment's note is {@code packName} (the plan and period, such as "Pro plan, 1 week") and the
     * reference: the template speaks of credits.
     */
    public static String note(String template, Payment payment, String packName) {
        String note = payment.forPlan() ? packName.strip() + " " + payment.reference() : template.replace("{reference}", payment.reference())
                .replace("{credits}", Long.toString(payment.credits()))
                .replace("{pack}", packName).strip();
        return note.length() <= PaymentsProperties.Upi.MAX_TEXT ? note : note.substring(0, PaymentsProperties.Upi.MAX_TEXT);
    }

    /** Percent-encodes UTF-8 bytes, leaving RFC 3986's unreserved characters and {@code @} as they are. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-._~@".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
