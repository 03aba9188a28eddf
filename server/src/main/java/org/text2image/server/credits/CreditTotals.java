package org.text2image.server.credits;

/**
 * A user's credit movements over a period, in credits (each ≥ 0).
 *
 * @param added granted (signup, purchases, admin additions, plans)
 * @param charged captured for succeeded jobs
 * @param expired left unspent when their lots expired
 * @param removed taken away by an admin
 */
public record CreditTotals(long added, long charged, long expired, long removed) {
}
