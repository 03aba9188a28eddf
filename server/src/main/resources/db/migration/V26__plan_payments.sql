-- Paying for a plan by UPI (payments/, docs/PAYMENTS.md "Plan payments", docs/PLANS.md "Paying for a
-- plan by UPI"). A payment buys either a credit pack (pack_id) or one period of a plan (plan_id and
-- billing_period), never both.
--   A plan payment's credits are the credits of one period of the plan when it was requested (0 for a
--   plan without credits; shown, not granted by the payment: the plan's periods are granted by plans/
--   PlanTerms under the ledger keys plan:<user>:<period start>). Its amount_minor and currency are the
--   plan's price for the period when it was requested. Its grant_key is upi:<UTR>, like a pack's, and
--   marks it approved; no ledger entry carries that key for a plan payment.
--   Plan payments are UPI only: card subscriptions are Stripe's and live in plan_subscription.
ALTER TABLE payment
    ADD COLUMN plan_id        text CHECK (plan_id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    ADD COLUMN billing_period text CHECK (billing_period IN ('WEEKLY', 'YEARLY')),
    ALTER COLUMN pack_id DROP NOT NULL,
    DROP CONSTRAINT payment_credits_check,
    ADD CONSTRAINT payment_credits_check CHECK (credits >= 0),
    ADD CONSTRAINT payment_pack_credits CHECK (pack_id IS NULL OR credits > 0),
    ADD CONSTRAINT payment_pack_or_plan CHECK ((pack_id IS NULL) <> (plan_id IS NULL)),
    ADD CONSTRAINT payment_plan_period CHECK ((plan_id IS NULL) = (billing_period IS NULL)),
    ADD CONSTRAINT payment_plan_by_upi CHECK (plan_id IS NULL OR provider = 'UPI');

-- A user's open plan requests (at most one is allowed; checked under the user's payment lock).
CREATE INDEX payment_open_plan ON payment (user_id) WHERE plan_id IS NOT NULL AND state IN ('AWAITING_UTR', 'PENDING_REVIEW');
