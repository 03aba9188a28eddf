package org.text2image.server.help;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.Viewer;
import org.text2image.server.payments.PaymentRows;
import org.text2image.server.support.InvalidInputException;

/**
 * Checks what a user attaches to a support message: only their own job or payment. Another
 * user's, or an unknown one, is refused alike, so the answer tells nothing about others' ids.
 */
@Component
class SupportAttachments {

    private static final Pattern REFERENCE = Pattern.compile("[A-Z0-9]{6,20}");

    private final GenerationService generation;
    private final PaymentRows payments;

    SupportAttachments(GenerationService generation, PaymentRows payments) {
        this.generation = generation;
        this.payments = payments;
    }

    /**
     * The attachment, checked.
     *
     * @param jobId a job id as typed, or blank
     * @param paymentReference a payment reference as typed, or blank
     * @throws InvalidInputException under {@code job} or {@code payment} when it is not the user's
     */
    Attachment check(long userId, String jobId, String paymentReference) {
        UUID job = blank(jobId) ? null : ownJob(userId, jobId.strip());
        String payment = blank(paymentReference) ? null : ownPayment(userId, paymentReference.strip());
        return new Attachment(job, payment);
    }

    /** The job, if it is the user's own (the Help button's context), else empty. */
    Optional<UUID> ownJobOrEmpty(long userId, String jobId) {
        try {
            return Optional.of(ownJob(userId, jobId));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    /** The payment reference, if it is the user's own, else empty. */
    Optional<String> ownPaymentOrEmpty(long userId, String reference) {
        try {
            return Optional.of(ownPayment(userId, reference));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    private UUID ownJob(long userId, String jobId) {
        try {
            UUID id = UUID.fromString(jobId);
            if (generation.find(id, new Viewer(userId, false)).isPresent()) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // not a job id: refused below
        }
        throw new InvalidInputException(Map.of("job", "You can attach only one of your own jobs."));
    }

    private String ownPayment(long userId, String reference) {
        if (REFERENCE.matcher(reference).matches()
                && payments.findByReference(reference).filter(payment -> payment.userId() == userId).isPresent()) {
            return reference;
        }
        throw new InvalidInputException(Map.of("payment", "You can attach only one of your own payments."));
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
