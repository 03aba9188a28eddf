package org.text2image.server.help;

/** Whether a support conversation waits for the operator ({@code OPEN}) or was closed by an admin. */
public enum ConversationStatus {
    OPEN, CLOSED;

    /** "Open" or "Closed". */
    public String label() {
        return this == OPEN ? "Open" : "Closed";
    }
}
