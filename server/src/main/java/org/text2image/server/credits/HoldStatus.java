package org.text2image.server.credits;

/** Where a hold stands (column {@code credit_hold.status}): it leaves OPEN at most once. */
public enum HoldStatus {
    /** Reserved: the job is queued or running. */
    OPEN,
    /** Charged: the job succeeded. */
    CAPTURED,
    /** Returned: the job failed or was cancelled. */
    RELEASED
}
