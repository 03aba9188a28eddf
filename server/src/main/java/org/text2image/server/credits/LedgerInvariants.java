package org.text2image.server.credits;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Checks the ledger's invariants (docs/JOBS_AND_CREDITS.md, "The ledger") against the whole
 * database and lists every violation in words; an empty list means the books are sound.
 *
 * <ul>
 *   <li>each cached balance equals the balance derived from the user's entries:
 *       available = grants − holds + releases − expiries − debits, held = holds − captures − releases;</li>
 *   <li>held credits equal the sum of the user's open holds;</li>
 *   <li>each hold has one HOLD entry and at most one CAPTURE or RELEASE, matching its status and amount;</li>
 *   <li>each job's hold is for the job's price and in the state its status requires: captured for a
 *       SUCCEEDED job, released for a FAILED or CANCELLED one, open for a QUEUED or RUNNING one (the
 *       jobs come from {@link JobHolds}, given by the module that keeps them);</li>
 *   <li>available credits equal the remainders of the user's lots; each open hold took exactly its
 *       amount from lots; no lot is negative, and each lot's grant = remainder + expired + what open
 *       and captured holds and debits took from it;</li>
 *   <li>minted (all grants) = balances (available + held) + consumed (captures, debits) + expired.</li>
 * </ul>
 */
@Component
public class LedgerInvariants {

    /** Each a query of the ledger's own tables returning one line per violation. */
    private static final List<String> CHECKS = List.of(
            """
            SELECT 'user ' || a.user_id || ': cached ' || a.available_credits || '/' || a.held_credits
                   || ' but entries give ' || coalesce(e.available, 0) || '/' || coalesce(e.held, 0)
            FROM credit_account a
            LEFT JOIN (SELECT user_id,
                              sum(CASE kind WHEN 'GRANT' THEN amount_credits WHEN 'HOLD' THEN -amount_credits
                                            WHEN 'RELEASE' THEN amount_credits WHEN 'EXPIRE' THEN -amount_credits
                                            WHEN 'DEBIT' THEN -amount_credits ELSE 0 END) AS available,
                              sum(CASE kind WHEN 'HOLD' THEN amount_credits WHEN 'CAPTURE' THEN -amount_credits
                                            WHEN 'RELEASE' THEN -amount_credits ELSE 0 END) AS held
                       FROM ledger_entry GROUP BY user_id) e ON e.user_id = a.user_id
            WHERE a.available_credits <> coalesce(e.available, 0) OR a.held_credits <> coalesce(e.held, 0)""",
            """
            SELECT 'user ' || a.user_id || ': held ' || a.held_credits || ' but open holds sum to ' || coalesce(h.open, 0)
            FROM credit_account a
            LEFT JOIN (SELECT user_id, sum(amount_credits) AS open FROM credit_hold WHERE status = 'OPEN'
                       GROUP BY user_id) h ON h.user_id = a.user_id
            WHERE a.held_credits <> coalesce(h.open, 0)""",
            """
            SELECT 'hold ' || h.id || ' (' || h.status || ', ' || h.amount_credits || ') has entries '
                   || coalesce(string_agg(e.kind || ' ' || e.amount_credits, ', ' ORDER BY e.id), 'none')
            FROM credit_hold h LEFT JOIN ledger_entry e ON e.hold_id = h.id
            GROUP BY h.id, h.status, h.amount_credits
            HAVING count(*) FILTER (WHERE e.kind = 'HOLD' AND e.amount_credits = h.amount_credits) <> 1
                OR count(*) FILTER (WHERE e.kind = 'CAPTURE' AND e.amount_credits = h.amount_credits)
                   <> (CASE WHEN h.status = 'CAPTURED' THEN 1 ELSE 0 END)
                OR count(*) FILTER (WHERE e.kind = 'RELEASE' AND e.amount_credits = h.amount_credits)
                   <> (CASE WHEN h.status = 'RELEASED' THEN 1 ELSE 0 END)
                OR count(*) <> (CASE WHEN h.status = 'OPEN' THEN 1 ELSE 2 END)""",
            """
            SELECT 'user ' || a.user_id || ': available ' || a.available_credits || ' but lots hold '
                   || coalesce(l.remaining, 0)
            FROM credit_account a
            LEFT JOIN (SELECT user_id, sum(remaining_credits) AS remaining FROM credit_lot GROUP BY user_id) l
                   ON l.user_id = a.user_id
            WHERE a.available_credits <> coalesce(l.remaining, 0)""",
            """
            SELECT 'open hold ' || h.id || ' of ' || h.amount_credits || ' took ' || coalesce(sum(hl.amount_credits), 0)
                   || ' from lots'
            FROM credit_hold h LEFT JOIN credit_hold_lot hl ON hl.hold_id = h.id
            WHERE h.status = 'OPEN'
            GROUP BY h.id, h.amount_credits
            HAVING coalesce(sum(hl.amount_credits), 0) <> h.amount_credits""",
            """
            SELECT 'lot ' || l.id || ': granted ' || l.granted_credits || ' but remaining ' || l.remaining_credits
                   || ' + expired ' || l.expired_credits || ' + held, spent or debited ' || coalesce(t.taken, 0)
            FROM credit_lot l
            LEFT JOIN (SELECT lot_id, sum(amount) AS taken FROM (
                           SELECT hl.lot_id, hl.amount_credits AS amount
                           FROM credit_hold_lot hl JOIN credit_hold h ON h.id = hl.hold_id
                           WHERE h.status IN ('OPEN', 'CAPTURED')
                           UNION ALL
                           SELECT lot_id, amount_credits FROM credit_debit_lot) portions
                       GROUP BY lot_id) t ON t.lot_id = l.id
            WHERE l.remaining_credits < 0
               OR l.remaining_credits + l.expired_credits + coalesce(t.taken, 0) <> l.granted_credits""",
            """
            SELECT 'minted ' || minted || ' but balances ' || balances || ' + consumed ' || consumed
                   || ' + expired ' || expired
            FROM (SELECT coalesce(sum(amount_credits) FILTER (WHERE kind = 'GRANT'), 0) AS minted,
                         coalesce(sum(amount_credits) FILTER (WHERE kind IN ('CAPTURE', 'DEBIT')), 0) AS consumed,
                         coalesce(sum(amount_credits) FILTER (WHERE kind = 'EXPIRE'), 0) AS expired
                  FROM ledger_entry) e,
                 (SELECT coalesce(sum(available_credits + held_credits), 0) AS balances FROM credit_account) b
            WHERE minted <> balances + consumed + expired""");

    private final JdbcClient jdbc;
    private final JobHolds jobs;

    LedgerInvariants(JdbcClient jdbc, JobHolds jobs) {
        this.jdbc = jdbc;
        this.jobs = jobs;
    }

    /** Every broken invariant, one line each. */
    @Transactional(readOnly = true)
    public List<String> violations() {
        List<String> violations = new ArrayList<>();
        for (String check : CHECKS) {
            violations.addAll(jdbc.sql(check).query(String.class).list());
        }
        violations.addAll(jobHoldViolations());
        return violations;
    }

    /** Each job whose hold is missing, of another amount than its price, or not in the state its status requires. */
    private List<String> jobHoldViolations() {
        List<JobHolds.JobHold> all = jobs.all();
        return jdbc.sql("""
                SELECT 'job ' || j.job_id || ' is ' || j.job_status || ' (price ' || j.price || ') but its hold is '
                       || coalesce(h.status || ' for ' || h.amount_credits, 'missing')
                FROM unnest(:jobs, :statuses, :holds, :prices, :expected)
                     AS j (job_id, job_status, hold_id, price, expected)
                LEFT JOIN credit_hold h ON h.id = j.hold_id
                WHERE h.id IS NULL OR h.amount_credits <> j.price OR h.status <> j.expected
                ORDER BY j.hold_id""")
                .param("jobs", all.stream().map(job -> job.jobId().toString()).toArray(String[]::new))
                .param("statuses", all.stream().map(JobHolds.JobHold::jobStatus).toArray(String[]::new))
                .param("holds", all.stream().mapToLong(JobHolds.JobHold::holdId).toArray())
                .param("prices", all.stream().mapToLong(JobHolds.JobHold::priceCredits).toArray())
                .param("expected", all.stream().map(job -> job.expectedStatus().name()).toArray(String[]::new))
                .query(String.class).list();
    }
}
