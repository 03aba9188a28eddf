package org.text2image.server.credits;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The credits ledger's commands: the only code that moves credits. Every movement is an
 * append-only {@code ledger_entry} row with a unique idempotency key, and the cached balance in
 * {@code credit_account} changes in the same transaction. Reads are {@link CreditStatements};
 * {@link LedgerInvariants} checks the books.
 *
 * <p>Credits come in <b>lots</b> ({@code credit_lot}), one per grant, optionally expiring. A hold
 * takes its credits from the lots that expire soonest (never-expiring ones last); a capture consumes
 * them; a release returns them to their lots. What is left of a lot when it expires leaves by an
 * {@code EXPIRE} entry ({@link #expireDue}; run before every spend and release, and by
 * {@code CreditExpiry}). A hold taken from a lot that later expires stays capturable. Enforced in SQL
 * too (migrations V1, V6): balances and lots never negative (CHECKs, conditional UPDATEs), a hold
 * resolves at most once (conditional UPDATE, unique index), a capture is the held amount.
 *
 * <p><b>Lock order.</b> Every movement locks the user's account row before it reads or changes the
 * user's balance or lots: one user's movements are serialised, different users never contend. Row
 * locks are always taken in this order:
 * <ol>
 *   <li>the job ({@code generation_job}), by the caller that completes, fails or cancels it (a
 *       submit inserts it after the hold: a new row waits on nothing);</li>
 *   <li>the hold ({@code credit_hold}): a hold inserts it before the account lock, a capture or
 *       release settles it before, to keep the hot row's lock short;</li>
 *   <li>the account ({@code credit_account});</li>
 *   <li>the user's lots ({@code credit_lot}, {@code credit_hold_lot}, {@code credit_debit},
 *       {@code credit_debit_lot});</li>
 *   <li>what the {@link BalanceChanged} listeners write: {@code low_balance_warning}, then
 *       {@code mail_outbox} (their foreign keys share-lock the user's {@code app_user} row).</li>
 * </ol>
 * Step 5 comes last because a command publishes one {@link BalanceChanged}, its whole change, as its
 * last statement. The listeners run inside the transaction, not after commit, to keep the promise
 * "one mail per crossing, written in the same transaction as the credit change": a rolled-back
 * change leaves no mail, a committed one cannot lose its mail to a crash before a second
 * transaction, and the account lock makes racing changes send one. Their rows are the user's own,
 * written only under that lock, so they add no deadlock, only a statement or two to the lock.
 */
@Service
public class CreditLedger {

    private final LedgerRows rows;
    private final LotRows lots;
    private final ApplicationEventPublisher events;

    CreditLedger(LedgerRows rows, LotRows lots, ApplicationEventPublisher events) {
        this.rows = rows;
        this.lots = lots;
        this.events = events;
    }

    /**
     * Opens a user's account with its signup grant (key {@code signup:{userId}}, never expiring).
     *
     * @param signupCredits credits granted at signup, ≥ 0 (0 opens an empty account)
     */
    @Transactional
    public void openAccount(long userId, long signupCredits) {
        rows.openAccount(userId);
        if (signupCredits > 0) {
            grant(userId, signupCredits, LotSource.SIGNUP, null, "signup:" + userId, "Free credits for signing up");
        }
    }

    /** A never-expiring grant of source {@link LotSource#GRANT}; see {@link #grant(long, long, LotSource, Instant, String, String)}. */
    @Transactional
    public boolean grant(long userId, long amountCredits, String idempotencyKey, String reason) {
        return grant(userId, amountCredits, LotSource.GRANT, null, idempotencyKey, reason);
    }

    /**
     * Adds a lot of credits to a user's available balance, once per idempotency key.
     *
     * @param amountCredits credits to add, > 0
     * @param expiresAt when what is left of the lot expires; null: never
     * @param idempotencyKey e.g. {@code signup:42}, {@code upi:<UTR>}; a replay is a no-op
     * @return true when the grant was applied, false when the key had already been used
     * @throws IllegalArgumentException for a non-positive amount
     * @throws UnknownAccountException when the user has no account
     */
    @Transactional
    public boolean grant(long userId, long amountCredits, LotSource source, Instant expiresAt, String idempotencyKey,
                         String reason) {
        requirePositive("grant", amountCredits);
        Balance before = rows.lock(userId);
        if (rows.keyUsed(idempotencyKey)) {
            return false;
        }
        long lotId = lots.add(userId, source, amountCredits, expiresAt);
        Balance granted = rows.change(userId, amountCredits, 0).after();
        rows.append(new LedgerRows.Entry(userId, EntryKind.GRANT, amountCredits, null, lotId, null, idempotencyKey,
                reason), granted);
        publish(userId, before, lots.expireDue(userId, granted)); // a lot granted already past its expiry
        return true;
    }

    /**
     * Moves out what is left of the user's lots whose expiry has passed: one EXPIRE entry per lot.
     * Takes the account lock, so it serialises with the user's holds and releases.
     *
     * @return credits expired now (0 when nothing was due)
     * @throws UnknownAccountException when the user has no account
     */
    @Transactional
    public long expireDue(long userId) {
        Balance before = rows.lock(userId);
        Balance after = lots.expireDue(userId, before);
        publish(userId, before, after);
        return before.availableCredits() - after.availableCredits();
    }

    /**
     * Reserves credits for a job, taken from the user's lots (soonest expiring first; lots past
     * their expiry are expired first). Must run inside the caller's transaction, the one that
     * inserts the job, so a job never exists without its hold and a hold never without its job.
     *
     * @param amountCredits the job's price, > 0
     * @return the hold id, to {@link #capture} or {@link #release} later
     * @throws InsufficientCreditsException when the unexpired available credits are fewer than the
     *     amount (the caller's transaction then rolls back: nothing is written)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public long hold(long userId, long amountCredits, UUID jobId) {
        return hold(userId, amountCredits, jobId, "a generation");
    }

    /**
     * {@link #hold(long, long, UUID)} with what the credits are for in the entry's text
     * ("Reserved for a video").
     *
     * @param what such as {@code a generation} or {@code a video}
     */
    public long hold(long userId, long amountCredits, UUID jobId, String what) {
        requirePositive("hold", amountCredits);
        // The new hold row first: it contends with nothing, so the account lock is held for less.
        long holdId = rows.openHold(userId, amountCredits);
        LedgerRows.LockedAccount locked = rows.lockForSpending(userId);
        requireSpendable(userId, amountCredits, locked);
        lots.take(userId, LotRows.Portions.HOLD, holdId, amountCredits);
        Balance after = rows.change(userId, -amountCredits, amountCredits).after();
        rows.append(new LedgerRows.Entry(userId, EntryKind.HOLD, amountCredits, holdId, null, jobId,
                "hold:job:" + jobId, "Reserved for " + what), after);
        publish(userId, locked.balance(), after);
        return holdId;
    }

    /**
     * Charges a hold: the held credits are consumed. Runs inside the caller's transaction (the one
     * that marks the job succeeded). Works even when the lots the hold took from have expired since.
     *
     * @throws HoldAlreadyResolvedException when the hold was already captured or released
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void capture(long holdId, UUID jobId) {
        capture(holdId, jobId, "a generation");
    }

    /**
     * {@link #capture(long, UUID)} with what the credits paid for in the entry's text ("Charged for a video").
     *
     * @param what such as {@code a generation} or {@code a video}
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void capture(long holdId, UUID jobId, String what) {
        BalanceChanged change = resolve(holdId, jobId, EntryKind.CAPTURE, "Charged for " + what);
        publish(change.userId(), change.before(), change.after());
    }

    /**
     * Voids a hold: the held credits return to the lots they came from and to the available
     * balance (credits returning to a lot that expired meanwhile then expire). Runs inside the
     * caller's transaction (the one that fails or cancels the job).
     *
     * @throws HoldAlreadyResolvedException when the hold was already captured or released
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void release(long holdId, UUID jobId, String reason) {
        BalanceChanged change = resolve(holdId, jobId, EntryKind.RELEASE, reason);
        lots.giveBack(holdId);
        publish(change.userId(), change.before(), lots.expireDue(change.userId(), change.after()));
    }

    /**
     * Takes credits from the user's lots for good (an admin's removal): soonest expiring first,
     * one DEBIT entry, once per idempotency key. Runs in the caller's transaction.
     *
     * @param amountCredits credits to take, > 0
     * @return true when the debit was applied, false when the key had already been used
     * @throws InsufficientCreditsException when the unexpired available credits are fewer
     * @throws UnknownAccountException when the user has no account
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean debit(long userId, long amountCredits, String idempotencyKey, String reason) {
        requirePositive("debit", amountCredits);
        LedgerRows.LockedAccount locked = rows.lockForSpending(userId);
        if (rows.keyUsed(idempotencyKey)) {
            return false;
        }
        requireSpendable(userId, amountCredits, locked);
        long debitId = rows.insertDebit(userId, amountCredits);
        lots.take(userId, LotRows.Portions.DEBIT, debitId, amountCredits);
        Balance after = rows.change(userId, -amountCredits, 0).after();
        rows.append(new LedgerRows.Entry(userId, EntryKind.DEBIT, amountCredits, null, null, null, idempotencyKey,
                reason), after);
        publish(userId, locked.balance(), after);
        return true;
    }

    /**
     * Takes back what is left of one grant's lot (a refunded or disputed purchase): its unspent
     * credits leave by one DEBIT entry, once per revocation key; what the user already spent, or
     * holds for a running job, stays spent. Never takes more than the available balance, so it
     * never goes below zero. Runs in the caller's transaction.
     *
     * @param grantKey the idempotency key of the GRANT entry, such as {@code stripe:<session id>}
     * @param revokeKey the revocation's own idempotency key; a replay takes nothing more
     * @param reason the DEBIT entry's text
     * @return what was taken back and what the user kept
     * @throws IllegalArgumentException when no GRANT entry has {@code grantKey}
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Revocation revokeGrant(String grantKey, String revokeKey, String reason) {
        LedgerRows.Grant grant = rows.grantOf(grantKey)
                .orElseThrow(() -> new IllegalArgumentException("No grant with ledger key " + grantKey));
        LedgerRows.LockedAccount locked = rows.lockForSpending(grant.userId());
        Long replayed = rows.amountOf(revokeKey);
        if (replayed != null) {
            return new Revocation(grant.userId(), grant.amountCredits(), replayed, grant.amountCredits() - replayed);
        }
        Balance balance = locked.lotsDue() ? lots.expireDue(grant.userId(), locked.balance()) : locked.balance();
        long amount = Math.min(lots.remaining(grant.lotId()), balance.availableCredits());
        if (amount > 0) {
            long debitId = rows.insertDebit(grant.userId(), amount);
            lots.takeFromLot(grant.lotId(), debitId, amount);
            Balance after = rows.change(grant.userId(), -amount, 0).after();
            rows.append(new LedgerRows.Entry(grant.userId(), EntryKind.DEBIT, amount, null, null, null,
                    revokeKey, reason), after); // the lot is in credit_debit_lot, as for any debit
            publish(grant.userId(), locked.balance(), after);
        } else {
            publish(grant.userId(), locked.balance(), balance);
        }
        return new Revocation(grant.userId(), grant.amountCredits(), amount, grant.amountCredits() - amount);
    }

    /** Expires the locked account's due lots, then checks that {@code amount} is available. */
    private void requireSpendable(long userId, long amount, LedgerRows.LockedAccount locked) {
        Balance balance = locked.lotsDue() ? lots.expireDue(userId, locked.balance()) : locked.balance();
        if (balance.availableCredits() < amount) {
            throw new InsufficientCreditsException(amount, balance.availableCredits());
        }
    }

    /** The command's whole change, once, as its last step (see the lock order above); nothing when there was none. */
    private void publish(long userId, Balance before, Balance after) {
        if (!before.equals(after)) {
            events.publishEvent(new BalanceChanged(userId, before, after));
        }
    }

    /**
     * Resolves an open hold. The hold row is settled first (its row lock decides a capture racing
     * a release), then the account row is locked by its update: the hot account row is held only
     * for the last statements of the transaction.
     */
    private BalanceChanged resolve(long holdId, UUID jobId, EntryKind kind, String reason) {
        LedgerRows.SettledHold hold = rows.settleHold(holdId, kind);
        long credits = hold.amountCredits();
        BalanceChanged change = rows.change(hold.userId(), kind == EntryKind.RELEASE ? credits : 0, -credits);
        rows.append(new LedgerRows.Entry(hold.userId(), kind, credits, holdId, null, jobId,
                kind.name().toLowerCase(Locale.ROOT) + ":hold:" + holdId, reason), change.after());
        return change;
    }

    private static void requirePositive(String command, long amountCredits) {
        if (amountCredits <= 0) {
            throw new IllegalArgumentException("A " + command + " must be positive, was " + amountCredits);
        }
    }
}
