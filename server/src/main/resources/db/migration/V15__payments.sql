-- Payments (payments/, docs/PAYMENTS.md): one row per attempt to buy a credit pack, whatever the
-- provider. Prices are exact integers in the currency's minor unit (paise, cents).
--   UPI:    AWAITING_UTR -> PENDING_REVIEW -> APPROVED | REJECTED;  AWAITING_UTR -> EXPIRED (24 h)
--   STRIPE: CHECKOUT_OPEN -> PAID -> REFUNDED | DISPUTED;           CHECKOUT_OPEN -> EXPIRED
-- A decision is a conditional UPDATE (WHERE state = ...): two admins, or a double click, decide once.
-- The credits of an approved or paid payment are one ledger grant whose idempotency key is grant_key
-- (upi:<UTR>, stripe:<checkout session id>), so a payment grants at most once.
CREATE TABLE payment (
    id                 bigserial   PRIMARY KEY,
    user_id            bigint      NOT NULL REFERENCES app_user (id),
    provider           text        NOT NULL CHECK (provider IN ('UPI', 'STRIPE')),
    state              text        NOT NULL CHECK (state IN ('AWAITING_UTR', 'PENDING_REVIEW', 'APPROVED', 'REJECTED',
                                                             'EXPIRED', 'CHECKOUT_OPEN', 'PAID', 'REFUNDED', 'DISPUTED')),
    -- Short, shown to the user and the admin, sent to the provider (the UPI link's tr).
    reference          text        NOT NULL UNIQUE CHECK (reference ~ '^[A-Z0-9]{6,20}$'),
    -- The one-time key of the form that created it: a replayed form creates nothing more.
    request_key        text        NOT NULL UNIQUE CHECK (request_key ~ '^[A-Za-z0-9_-]{1,64}$'),
    pack_id            text        NOT NULL CHECK (pack_id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    credits            bigint      NOT NULL CHECK (credits > 0),
    amount_minor       bigint      NOT NULL CHECK (amount_minor > 0),
    currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- The UPI transaction reference the user typed: unique across all users and states.
    utr                text        UNIQUE CHECK (utr ~ '^[0-9]{12}$'),
    -- The provider's own id, e.g. a Stripe Checkout Session id.
    provider_reference text        UNIQUE CHECK (length(provider_reference) BETWEEN 1 AND 255),
    -- The idempotency key of the ledger grant that paid out the credits (ledger_entry.idempotency_key).
    grant_key          text        UNIQUE,
    reject_reason      text        CHECK (length(btrim(reject_reason)) BETWEEN 1 AND 500),
    decided_by         bigint      REFERENCES app_user (id),
    created_at         timestamptz NOT NULL,
    utr_submitted_at   timestamptz,
    decided_at         timestamptz,
    expires_at         timestamptz,
    CHECK (provider = 'UPI' OR utr IS NULL),
    CHECK ((utr IS NULL) = (utr_submitted_at IS NULL)),
    CHECK (state NOT IN ('PENDING_REVIEW', 'APPROVED', 'REJECTED') OR utr IS NOT NULL),
    CHECK (state <> 'AWAITING_UTR' OR utr IS NULL),
    CHECK ((state = 'REJECTED') = (reject_reason IS NOT NULL)),
    CHECK (state NOT IN ('APPROVED', 'PAID', 'REFUNDED', 'DISPUTED') OR grant_key IS NOT NULL),
    CHECK (state NOT IN ('APPROVED', 'REJECTED') OR (decided_at IS NOT NULL AND decided_by IS NOT NULL)),
    CHECK (provider <> 'UPI' OR state IN ('AWAITING_UTR', 'PENDING_REVIEW', 'APPROVED', 'REJECTED', 'EXPIRED')),
    CHECK (provider <> 'STRIPE' OR state IN ('CHECKOUT_OPEN', 'PAID', 'REFUNDED', 'DISPUTED', 'EXPIRED'))
);
CREATE INDEX payment_user ON payment (user_id, id DESC);
-- The admin queue: pending requests, oldest first.
CREATE INDEX payment_pending_review ON payment (utr_submitted_at, id) WHERE state = 'PENDING_REVIEW';
-- The expiry task's search.
CREATE INDEX payment_awaiting_utr ON payment (expires_at) WHERE state = 'AWAITING_UTR';

-- Mails may carry an HTML part beside their plain text (notifications/MailOutbox).
ALTER TABLE mail_outbox ADD COLUMN html_body text CHECK (length(html_body) <= 100000);
