package org.text2image.server.credits;

/**
 * Published by {@link CreditLedger} once per command that changed a user's cached balance, as the
 * command's last step (after all its ledger rows), synchronously and inside the transaction that
 * made it: a listener that writes joins that transaction, and its write is undone with it. Its
 * rows come last in the ledger's lock order (see {@link CreditLedger}).
 *
 * @param userId whose balance changed
 * @param before the balance before the command (before any lots it expired on the way)
 * @param after the balance after it
 */
public record BalanceChanged(long userId, Balance before, Balance after) {
}
