package org.text2image.server.help;

import java.util.UUID;

/**
 * What a user's message is about: one of their jobs, one of their payments, or nothing.
 *
 * @param jobId a job of the user, or null
 * @param paymentReference the reference of a payment of the user (such as {@code R7KQ2M}), or null
 */
public record Attachment(UUID jobId, String paymentReference) {

    /** No attachment. */
    public static final Attachment NONE = new Attachment(null, null);

    /** Whether something is attached. */
    public boolean present() {
        return jobId != null || paymentReference != null;
    }
}
