package org.text2image.server.payments;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.text2image.server.support.UpiIds;

/**
 * {@code text2image.payments.*}: every payments setting (docs/CONFIGURATION.md, "Payments";
 * docs/PAYMENTS.md).
 *
 * @param packsFile the credit packs on sale (default {@code ./config/packs.json}; missing: none)
 * @param maxPendingPerUser most open UPI requests (waiting for a UTR or for review) one user may
 *     have at once (default 3)
 * @param expiryInterval pause between two runs of the {@code payment-expiry} task (default 5 min)
 * @param upi the UPI settings; UPI is offered only when {@code upi.vpa} is set
 */
@ConfigurationProperties("text2image.payments")
public record PaymentsProperties(@DefaultValue("./config/packs.json") Path packsFile,
                                 @DefaultValue("3") int maxPendingPerUser,
                                 @DefaultValue("5m") Duration expiryInterval,
                                 @DefaultValue Upi upi) {

    /** @throws IllegalArgumentException for a setting out of range, naming it */
    public PaymentsProperties {
        if (maxPendingPerUser < 1 || maxPendingPerUser > 100) {
            throw new IllegalArgumentException("text2image.payments.max-pending-per-user must be 1-100, was "
                    + maxPendingPerUser);
        }
        if (!expiryInterval.isPositive()) {
            throw new IllegalArgumentException("text2image.payments.expiry-interval must be positive, was " + expiryInterval);
        }
    }

    /**
     * {@code text2image.payments.upi.*}: the payee of the UPI links (NPCI UPI Linking
     * Specification: {@code pa}, {@code pn}, {@code tn}).
     *
     * @param vpa the operator's UPI id (virtual payment address) such as {@code shop@okaxis};
     *     empty turns UPI off
     * @param payeeName the name payers see in their app (required with a VPA), at most 50 characters
     * @param noteTemplate the transaction note ({@code tn}); {@code {reference}}, {@code {credits}}
     *     and {@code {pack}} are replaced; the result is cut to 50 characters
     * @param requestExpiry how long a request waits for its UTR before it expires (default 24 h)
     */
    public record Upi(@DefaultValue("") String vpa, @DefaultValue("") String payeeName,
                      @DefaultValue("Text2Image {credits} credits {reference}") String noteTemplate,
                      @DefaultValue("24h") Duration requestExpiry) {

        /** A VPA: a handle, {@code @}, the provider's handle (letters, digits, {@code . - _}); {@link UpiIds#VPA}. */
        public static final Pattern VPA = UpiIds.VPA;
        /** Longest payee name and note. */
        public static final int MAX_TEXT = UpiIds.MAX_PAYEE_NAME;

        /** @throws IllegalArgumentException for a malformed VPA, a missing or over-long payee name, a bad expiry */
        public Upi {
            vpa = vpa.strip();
            payeeName = payeeName.strip();
            if (!vpa.isEmpty() && !UpiIds.isVpa(vpa)) {
                throw new IllegalArgumentException("text2image.payments.upi.vpa must be a UPI id such as shop@okaxis, was "
                        + vpa);
            }
            if (!vpa.isEmpty() && !UpiIds.isPayeeName(payeeName)) {
                throw new IllegalArgumentException("text2image.payments.upi.payee-name must be 1-" + MAX_TEXT
                        + " characters when a VPA is set, was \"" + payeeName + "\"");
            }
            if (noteTemplate.isBlank() || noteTemplate.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("text2image.payments.upi.note-template must be a line of text");
            }
            if (!requestExpiry.isPositive()) {
                throw new IllegalArgumentException("text2image.payments.upi.request-expiry must be positive, was "
                        + requestExpiry);
            }
        }

        /** Whether UPI is offered (a VPA is set). */
        public boolean enabled() {
            return !vpa.isEmpty();
        }

        /** These settings with another payee (the live settings' VPA and name, validated like the configuration's). */
        public Upi withPayee(String otherVpa, String otherPayeeName) {
            return new Upi(otherVpa, otherPayeeName, noteTemplate, requestExpiry);
        }
    }
}
