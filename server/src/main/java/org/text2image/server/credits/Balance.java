package org.text2image.server.credits;

/**
 * A user's credits.
 *
 * @param availableCredits credits that can be spent now, ≥ 0
 * @param heldCredits credits reserved by queued or running jobs, ≥ 0
 */
public record Balance(long availableCredits, long heldCredits) {
}
