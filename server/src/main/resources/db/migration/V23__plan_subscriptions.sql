-- Plans (plans/, docs/PLANS.md): which plan each user is on, and the credits of each paid period.
-- A user without a plan_subscription row, or whose paid term has ended, is on the free plan.

-- The user's paid term: a plan, billed weekly or yearly, from started_at (the current term's first
-- period start; later periods follow at whole weeks or years) until paid_until. next_* is a term
-- that follows at paid_until (a downgrade, or a renewal paid in advance). next_grant_at is the start
-- of the next period whose credits the grant task owes (null: none owed; Stripe terms are granted by
-- their invoices instead).
CREATE TABLE plan_subscription (
    user_id                bigint      PRIMARY KEY REFERENCES app_user (id),
    plan_id                text        NOT NULL CHECK (plan_id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    billing_period         text        NOT NULL CHECK (billing_period IN ('WEEKLY', 'YEARLY')),
    source                 text        NOT NULL CHECK (source IN ('STRIPE', 'UPI', 'ADMIN')),
    started_at             timestamptz NOT NULL,
    paid_until             timestamptz NOT NULL,
    next_grant_at          timestamptz,
    cancel_at_period_end   boolean     NOT NULL DEFAULT false,
    next_plan_id           text        CHECK (next_plan_id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    next_billing_period    text        CHECK (next_billing_period IN ('WEEKLY', 'YEARLY')),
    next_source            text        CHECK (next_source IN ('STRIPE', 'UPI', 'ADMIN')),
    next_paid_until        timestamptz,
    stripe_subscription_id text        UNIQUE CHECK (length(stripe_subscription_id) BETWEEN 1 AND 255),
    updated_at             timestamptz NOT NULL,
    CHECK (paid_until > started_at),
    CHECK (next_grant_at IS NULL OR (next_grant_at >= started_at AND next_grant_at < paid_until)),
    CHECK (source <> 'STRIPE' OR next_grant_at IS NULL),
    CHECK ((next_plan_id IS NULL) = (next_billing_period IS NULL)),
    CHECK ((next_plan_id IS NULL) = (next_source IS NULL)),
    CHECK (next_paid_until IS NULL OR (next_plan_id IS NOT NULL AND next_paid_until > paid_until))
);
-- The grant task's searches: periods owed, and terms that roll over to their next term.
CREATE INDEX plan_subscription_grant_due ON plan_subscription (next_grant_at) WHERE next_grant_at IS NOT NULL;
CREATE INDEX plan_subscription_rollover ON plan_subscription (paid_until) WHERE next_paid_until IS NOT NULL;

-- One row per period whose credits were granted: the primary key makes "once per user and period"
-- a database rule, whichever instance, task run or webhook got there first. grant_key is the ledger
-- entry's idempotency key (plan:<user>:<period start> or stripe-invoice:<invoice id>); null when
-- the plan's period brings no credits.
CREATE TABLE plan_period (
    user_id        bigint      NOT NULL REFERENCES app_user (id),
    period_start   timestamptz NOT NULL,
    period_end     timestamptz NOT NULL,
    plan_id        text        NOT NULL CHECK (plan_id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    billing_period text        NOT NULL CHECK (billing_period IN ('WEEKLY', 'YEARLY')),
    credits        bigint      NOT NULL CHECK (credits >= 0),
    grant_key      text        UNIQUE CHECK (length(grant_key) BETWEEN 1 AND 300),
    granted_at     timestamptz NOT NULL,
    PRIMARY KEY (user_id, period_start),
    CHECK (period_end > period_start),
    CHECK ((credits = 0) = (grant_key IS NULL))
);
