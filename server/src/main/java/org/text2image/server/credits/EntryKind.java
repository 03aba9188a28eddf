package org.text2image.server.credits;

/** What a ledger entry does to a balance; amounts are always positive. */
public enum EntryKind {
    /** available += amount (signup, purchase, admin). */
    GRANT,
    /** available -= amount, held += amount (a job was submitted). */
    HOLD,
    /** held -= amount (the job succeeded: the user is charged). */
    CAPTURE,
    /** held -= amount, available += amount (the job failed or was cancelled: not charged). */
    RELEASE,
    /** available -= amount (what was left of a lot when it expired). */
    EXPIRE,
    /** available -= amount (an admin took credits away). */
    DEBIT
}
