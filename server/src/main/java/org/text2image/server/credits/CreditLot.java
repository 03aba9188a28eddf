package org.text2image.server.credits;

import java.time.Instant;

/**
 * One grant of credits ({@code credit_lot}).
 *
 * @param grantedCredits credits the grant added
 * @param remainingCredits credits still available from it (not held, spent or expired)
 * @param expiredCredits credits that expired unspent
 * @param expiresAt when the remainder expires; null: never
 */
public record CreditLot(long id, LotSource source, long grantedCredits, long remainingCredits, long expiredCredits,
                        Instant expiresAt, Instant createdAt) {
}
