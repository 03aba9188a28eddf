package org.text2image.server.payments;

import java.security.SecureRandom;

/**
 * A payment's short reference: 10 characters from an alphabet without look-alikes (no 0/O, 1/I),
 * random from {@link SecureRandom} — about 50 bits, so a reference cannot be guessed. It is what the
 * user and the admin read out (the UPI note, the payment page, the Stripe idempotency key); the
 * {@code payment.reference} column is unique.
 */
public final class PaymentReferences {

    /** The characters a reference is made of. */
    public static final String LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /** A reference's length. */
    public static final int LENGTH = 10;

    private static final SecureRandom RANDOM = new SecureRandom();

    private PaymentReferences() {
    }

    /** A new random reference. */
    public static String next() {
        StringBuilder reference = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            reference.append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
        }
        return reference.toString();
    }
}
