-- Plans paid by card: Stripe Checkout in subscription mode (payments/stripe, docs/PAYMENTS.md
-- "Subscriptions by card"; docs/PLANS.md "Subscribing by card (Stripe)"). The plan term itself is
-- plan_subscription (V23); these tables hold the Stripe side.

-- One row per subscription checkout a user started, keyed by the form's one-time key: the same key
-- again leads to the same Checkout Session. OPENING: the row exists, the Session is being created;
-- OPEN: the Session exists (session_id, checkout_url); ACTIVE: Stripe completed it and the
-- subscription (subscription_id) runs; ENDED: Stripe ended that subscription; EXPIRED: the Session
-- expired unpaid; FAILED: Stripe refused to create the Session.
CREATE TABLE stripe_subscription_checkout (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_key     text        NOT NULL UNIQUE CHECK (request_key ~ '^[A-Za-z0-9_-]{1,64}$'),
    user_id         bigint      NOT NULL REFERENCES app_user (id),
    plan_id         text        NOT NULL CHECK (plan_id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    billing_period  text        NOT NULL CHECK (billing_period IN ('WEEKLY', 'YEARLY')),
    currency        text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount_minor    bigint      NOT NULL CHECK (amount_minor > 0),
    state           text        NOT NULL CHECK (state IN ('OPENING', 'OPEN', 'ACTIVE', 'ENDED', 'EXPIRED', 'FAILED')),
    session_id      text        UNIQUE CHECK (session_id ~ '^cs_[A-Za-z0-9_]{1,250}$'),
    checkout_url    text        CHECK (length(checkout_url) BETWEEN 1 AND 2000),
    subscription_id text        UNIQUE CHECK (subscription_id ~ '^sub_[A-Za-z0-9_]{1,250}$'),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK (state IN ('OPENING', 'FAILED') OR session_id IS NOT NULL),
    CHECK ((state IN ('ACTIVE', 'ENDED')) = (subscription_id IS NOT NULL)),
    CHECK (updated_at >= created_at)
);
-- "Does this user subscribe by card?": the user's active subscriptions.
CREATE INDEX stripe_subscription_checkout_active ON stripe_subscription_checkout (user_id) WHERE state = 'ACTIVE';

-- Each plan change made through the Billing page, keyed by the form's one-time key: the same form
-- posted again changes nothing at Stripe a second time. UPGRADE: the dearer plan now (Stripe bills
-- it at once); DOWNGRADE: the plan Stripe bills from the next period on; REVERT: back to the
-- current plan, cancelling a scheduled downgrade.
CREATE TABLE stripe_subscription_change (
    request_key     text        PRIMARY KEY CHECK (request_key ~ '^[A-Za-z0-9_-]{1,64}$'),
    user_id         bigint      NOT NULL REFERENCES app_user (id),
    subscription_id text        NOT NULL CHECK (subscription_id ~ '^sub_[A-Za-z0-9_]{1,250}$'),
    plan_id         text        NOT NULL CHECK (plan_id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    billing_period  text        NOT NULL CHECK (billing_period IN ('WEEKLY', 'YEARLY')),
    kind            text        NOT NULL CHECK (kind IN ('UPGRADE', 'DOWNGRADE', 'REVERT')),
    created_at      timestamptz NOT NULL
);
CREATE INDEX stripe_subscription_change_user ON stripe_subscription_change (user_id, created_at DESC);
