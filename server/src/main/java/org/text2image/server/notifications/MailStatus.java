package org.text2image.server.notifications;

/** Where an outbox mail stands (column {@code mail_outbox.status}). */
public enum MailStatus {
    /** Waiting for delivery; after a failed try it carries the error and waits for its next try. */
    PENDING("pending"),
    /** Handed to the SMTP server. */
    SENT("sent"),
    /** No SMTP server configured: written to the log instead. */
    LOGGED("logged only"),
    /** Given up after {@code text2image.mail.max-attempts} tries. */
    FAILED("failed");

    private final String label;

    MailStatus(String label) {
        this.label = label;
    }

    /** How the outbox page names it, e.g. {@code "logged only"}. */
    public String label() {
        return label;
    }
}
