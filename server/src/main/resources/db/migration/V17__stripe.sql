-- Stripe Checkout (payments/stripe, docs/PAYMENTS.md "Stripe"). The payment row (V15) holds the
-- Checkout Session id as provider_reference and the grant key stripe:<session id>; these tables
-- hold what only Stripe has.

-- Every verified webhook event handled, by Stripe's event id: a replayed event is a no-op.
CREATE TABLE stripe_event (
    event_id    text        PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 255),
    type        text        NOT NULL CHECK (length(type) BETWEEN 1 AND 255),
    payment_id  bigint      REFERENCES payment (id),
    received_at timestamptz NOT NULL
);

-- A Checkout payment's Stripe side: the hosted page's address, the PaymentIntent a refund or a
-- dispute names, and a reversal (refund or dispute) with the credits it took back and those owed.
CREATE TABLE stripe_checkout (
    payment_id      bigint      PRIMARY KEY REFERENCES payment (id),
    checkout_url    text        CHECK (length(checkout_url) BETWEEN 1 AND 2000),
    payment_intent  text        UNIQUE CHECK (length(payment_intent) BETWEEN 1 AND 255),
    reversal        text        CHECK (reversal IN ('REFUNDED', 'DISPUTED')),
    refunded_minor  bigint      CHECK (refunded_minor >= 0),
    revoked_credits bigint      CHECK (revoked_credits >= 0),
    owed_credits    bigint      CHECK (owed_credits >= 0),
    reversed_at     timestamptz,
    CHECK ((reversal IS NULL) = (reversed_at IS NULL)),
    CHECK ((reversal IS NULL) = (revoked_credits IS NULL) AND (reversal IS NULL) = (owed_credits IS NULL))
);
-- The admin's list of refunds and disputes, newest first.
CREATE INDEX stripe_checkout_reversed ON stripe_checkout (reversed_at DESC) WHERE reversal IS NOT NULL;

-- The Stripe customer of each user who paid by card (one per user, reused by later checkouts).
CREATE TABLE stripe_customer (
    user_id     bigint      PRIMARY KEY REFERENCES app_user (id),
    customer_id text        NOT NULL UNIQUE CHECK (length(customer_id) BETWEEN 1 AND 255),
    created_at  timestamptz NOT NULL
);
