-- Credit lots (credits/CreditLedger, docs/JOBS_AND_CREDITS.md "Credits: lots and expiry").
-- Every grant is a lot, optionally expiring. A hold takes credits from the user's lots, the one
-- that expires soonest first (never-expiring lots last), and records which lots it took from; a
-- release puts them back; an expired lot's remainder is moved out by an EXPIRE entry.
CREATE TABLE credit_lot (
    id                bigserial   PRIMARY KEY,
    user_id           bigint      NOT NULL REFERENCES app_user (id),
    source            text        NOT NULL CHECK (source IN ('SIGNUP', 'PURCHASE', 'ADMIN', 'PLAN', 'GRANT')),
    granted_credits   bigint      NOT NULL CHECK (granted_credits > 0),
    remaining_credits bigint      NOT NULL CHECK (remaining_credits >= 0),
    expired_credits   bigint      NOT NULL DEFAULT 0 CHECK (expired_credits >= 0),
    expires_at        timestamptz,
    created_at        timestamptz NOT NULL,
    CHECK (remaining_credits <= granted_credits),
    CHECK (expired_credits <= granted_credits)
);
-- The spending order of one user's lots, and the expiry task's search.
CREATE INDEX credit_lot_spend ON credit_lot (user_id, expires_at NULLS LAST, id) WHERE remaining_credits > 0;
CREATE INDEX credit_lot_due ON credit_lot (expires_at) WHERE remaining_credits > 0 AND expires_at IS NOT NULL;

-- Which lots a hold took its credits from (a release returns them there).
CREATE TABLE credit_hold_lot (
    hold_id        bigint NOT NULL REFERENCES credit_hold (id),
    lot_id         bigint NOT NULL REFERENCES credit_lot (id),
    amount_credits bigint NOT NULL CHECK (amount_credits > 0),
    PRIMARY KEY (hold_id, lot_id)
);

-- New entry kinds: EXPIRE (available -= amount: a lot's remainder expired) and DEBIT
-- (available -= amount: an admin took credits away).
ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_kind_check;
ALTER TABLE ledger_entry ADD CONSTRAINT ledger_entry_kind_check
    CHECK (kind IN ('GRANT', 'HOLD', 'CAPTURE', 'RELEASE', 'EXPIRE', 'DEBIT'));
DO $$
DECLARE
    old_check text;
BEGIN
    SELECT conname INTO STRICT old_check FROM pg_constraint
    WHERE conrelid = 'ledger_entry'::regclass AND contype = 'c'
      AND pg_get_constraintdef(oid) = 'CHECK (((kind = ''GRANT''::text) = (hold_id IS NULL)))';
    EXECUTE format('ALTER TABLE ledger_entry DROP CONSTRAINT %I', old_check);
END;
$$;
ALTER TABLE ledger_entry
    ADD COLUMN lot_id bigint REFERENCES credit_lot (id),
    ADD CONSTRAINT ledger_entry_hold_kinds CHECK ((kind IN ('HOLD', 'CAPTURE', 'RELEASE')) = (hold_id IS NOT NULL)),
    -- An EXPIRE names its lot; a GRANT does from now on (grants from before lots have none: the
    -- table is append-only, so they are not filled in); other kinds never do.
    ADD CONSTRAINT ledger_entry_lot_kinds
        CHECK ((lot_id IS NULL OR kind IN ('GRANT', 'EXPIRE')) AND (kind <> 'EXPIRE' OR lot_id IS NOT NULL));

-- Existing balances become one never-expiring lot per user, which also backs the open holds.
INSERT INTO credit_lot (user_id, source, granted_credits, remaining_credits, created_at)
SELECT a.user_id, 'GRANT', a.available_credits + a.held_credits, a.available_credits, now()
FROM credit_account a WHERE a.available_credits + a.held_credits > 0;
INSERT INTO credit_hold_lot (hold_id, lot_id, amount_credits)
SELECT h.id, l.id, h.amount_credits FROM credit_hold h JOIN credit_lot l ON l.user_id = h.user_id
WHERE h.status = 'OPEN';

-- db-scheduler's table (cluster-safe recurring tasks such as credit expiry), as its README gives it.
CREATE TABLE scheduled_tasks (
    task_name            text                     NOT NULL,
    task_instance        text                     NOT NULL,
    task_data            bytea,
    execution_time       timestamp with time zone NOT NULL,
    picked               boolean                  NOT NULL,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   NOT NULL,
    priority             smallint,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
