package org.text2image.server.notifications;

import java.time.Clock;
import java.time.OffsetDateTime;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.BalanceChanged;
import org.text2image.server.credits.Credits;
import org.text2image.server.settings.LiveSettings;
import org.text2image.server.support.SiteProperties;

/**
 * Low-balance warnings. A balance is low when its available credits are below the live setting
 * {@code low-balance-threshold} (default {@code text2image.credits.low-balance-threshold}; 0: never). Pages show a banner while it is;
 * and when a change takes the available credits from at least the threshold to below it, one mail
 * goes to the outbox. The {@code low_balance_warning} row (primary key: the user) makes that once
 * per crossing: going further down sends nothing, and new credits that bring the balance back to
 * the threshold delete the row, which arms the next warning (returned credits of a failed or
 * cancelled job do not).
 *
 * <p>It listens to the ledger's {@link BalanceChanged} inside the ledger's transaction, not after
 * commit, and decides once per user and transaction, just before the commit, on the transaction's
 * net change (the balance before its first ledger command against the balance after its last).
 * The ledger publishes the event with the user's account row locked, held until the commit, so
 * the two rows written here ({@code low_balance_warning}, then {@code mail_outbox}) come last in
 * the ledger's lock order (documented on {@code CreditLedger}): one user's changes are handled one
 * at a time, which makes racing changes send one mail; a change that rolls back (a refused hold, a
 * failed submit) rolls back its warning and its mail; and a committed crossing always has its
 * mail, which an after-commit listener could lose to a crash between the two transactions.
 */
@Component
public class LowBalanceWarnings {

    static final String SUBJECT = "Your Text2Image balance is low";

    private final JdbcClient jdbc;
    private final MailOutbox outbox;
    private final AccountService accounts;
    private final LiveSettings settings;
    private final SiteProperties site;
    private final Clock clock;

    LowBalanceWarnings(JdbcClient jdbc, MailOutbox outbox, AccountService accounts, LiveSettings settings,
                       SiteProperties site, Clock clock) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.accounts = accounts;
        this.settings = settings;
        this.site = site;
        this.clock = clock;
    }

    /** Whether this many available credits is a low balance (always false when warnings are off). */
    public boolean isLow(long availableCredits) {
        return availableCredits < settings.current().lowBalanceThreshold();
    }

    /** Available plus held credits: all the user has. */
    private static long total(Balance balance) {
        return balance.availableCredits() + balance.heldCredits();
    }

    /**
     * Notes the change in the ledger's transaction (required); the warning is decided on the
     * transaction's net change just before it commits ({@link #decide}), at once when the
     * transaction has no synchronisation.
     */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onBalanceChanged(BalanceChanged change) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            decide(change.userId(), change.before(), change.after());
            return;
        }
        NetChange key = new NetChange(change.userId());
        Balance[] net = (Balance[]) TransactionSynchronizationManager.getResource(key);
        if (net != null) {
            net[1] = change.after();
            return;
        }
        Balance[] first = {change.before(), change.after()};
        TransactionSynchronizationManager.bindResource(key, first);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                decide(change.userId(), first[0], first[1]);
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(key);
            }
        });
    }

    /**
     * Arms, or fires once, the user's warning for the net change of a transaction: from the balance
     * before its first ledger command to the balance after its last. So a transaction that grants
     * credits and spends them again (an admin's free re-run: a grant, then the new job's hold) is no
     * crossing, while two holds that cross the threshold together are one.
     */
    private void decide(long userId, Balance before, Balance after) {
        long available = after.availableCredits();
        if (!isLow(available)) {
            // Re-armed only by new credits (a grant): credits a failed or cancelled job returns do not,
            // so a user retrying a failing job is not mailed once per retry.
            if (total(after) > total(before)) {
                jdbc.sql("DELETE FROM low_balance_warning WHERE user_id = ?").params(userId).update();
            }
        } else if (!isLow(before.availableCredits()) && markWarned(userId)) {
            accounts.find(userId).ifPresent(user -> outbox.enqueue(user.id(), user.email(), SUBJECT, body(available)));
        }
    }

    /** The key of a user's net balance change among the transaction's resources. */
    private record NetChange(long userId) {
    }

    /** True when the user was not marked as warned yet (and now is). */
    private boolean markWarned(long userId) {
        return jdbc.sql("INSERT INTO low_balance_warning (user_id, warned_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(userId, OffsetDateTime.now(clock)).update() == 1;
    }

    private String body(long availableCredits) {
        return """
                Hello,

                Your Text2Image balance is low: %s available.

                Your balance and your recent credit activity are on the credits page:
                %s

                You get this mail once each time your balance drops below %s.
                """.formatted(Credits.format(availableCredits), site.link("/credits"),
                        Credits.format(settings.current().lowBalanceThreshold()));
    }
}
