package org.text2image.server.credits;

/**
 * What {@link CreditLedger#revokeGrant} did: of a grant's credits, those still unspent in its lot
 * were taken back; the rest had been spent (or are reserved for a job) and stay with the user.
 *
 * @param userId the grant's user
 * @param grantedCredits the grant's amount
 * @param revokedCredits taken back now (0 when nothing was left); on a replay, what the first call took
 * @param keptCredits granted − revoked: what the user spent or holds of the grant
 */
public record Revocation(long userId, long grantedCredits, long revokedCredits, long keptCredits) {
}
