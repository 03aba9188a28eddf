package org.text2image.server.payments;

/**
 * A way to pay for a pack, offered on the Buy credits page: each is a Spring bean, and the page
 * shows, for every pack, a button per method that {@link #offers} it. The button posts the pack
 * ({@code packId}), its shown price ({@code amountMinor}, {@code currency}) and a one-time key
 * ({@code requestKey}) to {@link #formAction()}; the method's own controller takes it from there.
 * UPI is one ({@code upi/UpiMethod}); a card provider adds another bean.
 */
public interface PaymentMethod {

    /** Short and stable, such as {@code upi}: the buttons' ids. */
    String id();

    /** The button's text, such as "Pay with UPI". */
    String label();

    /** One line under the button, such as "Any UPI app; credits after a quick check". */
    String description();

    /** Where the button posts, such as {@code /payments/upi}. */
    String formAction();

    /** Whether this method can take payment for the pack (configured, and in the pack's currency). */
    boolean offers(Pack pack);

    /** Order on the page: lower first. */
    default int order() {
        return 100;
    }
}
