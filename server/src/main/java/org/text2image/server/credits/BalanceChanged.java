package org.text2image.server.credits;

/**
 * Published by {@link CreditLedger} after each change of a user's cached balance, synchronously
 * and inside the transaction that made it (a listener that writes joins that transaction, and its
 * write is undone with it).
 *
 * @param userId whose balance changed
 * @param before the balance before the change
 * @param after the balance after it
 */
public record BalanceChanged(long userId, Balance before, Balance after) {
}
