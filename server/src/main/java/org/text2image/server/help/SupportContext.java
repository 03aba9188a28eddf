package org.text2image.server.help;

import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** What the Help button may attach: the job or payment on screen, if it is the user's own. */
@Component
public class SupportContext {

    private final SupportAttachments attachments;

    SupportContext(SupportAttachments attachments) {
        this.attachments = attachments;
    }

    /** The job, when {@code jobId} names one of the user's jobs; empty otherwise. */
    public Optional<UUID> ownJob(long userId, String jobId) {
        return attachments.ownJobOrEmpty(userId, jobId);
    }

    /** The reference, when it names one of the user's payments; empty otherwise. */
    public Optional<String> ownPayment(long userId, String reference) {
        return attachments.ownPaymentOrEmpty(userId, reference);
    }
}
