package org.text2image.server.support;

import java.util.regex.Pattern;

/**
 * The form of a UPI id and of the payee name UPI links carry (NPCI UPI Linking Specification,
 * {@code pa} and {@code pn}): one rule for the configuration ({@code payments/PaymentsProperties})
 * and the live settings ({@code settings/Setting}).
 */
public final class UpiIds {

    /** A VPA (virtual payment address): a handle, {@code @}, the provider's handle (letters, digits, {@code . - _}). */
    public static final Pattern VPA = Pattern.compile("[A-Za-z0-9._-]{2,256}@[A-Za-z0-9.-]{2,64}");
    /** Longest payee name, in characters. */
    public static final int MAX_PAYEE_NAME = 50;

    private UpiIds() {
    }

    /** Whether {@code vpa} is a UPI id such as {@code shop@okaxis}. */
    public static boolean isVpa(String vpa) {
        return VPA.matcher(vpa).matches();
    }

    /** Whether {@code name} can be a payee name: 1–{@value #MAX_PAYEE_NAME} characters, none a control character. */
    public static boolean isPayeeName(String name) {
        return !name.isEmpty() && name.length() <= MAX_PAYEE_NAME && name.chars().noneMatch(Character::isISOControl);
    }
}
