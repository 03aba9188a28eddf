-- The audit log (credits/AdminAuditLog, page /admin/audit) keeps what an action changed: the
-- state before and after, as short text (NULL when the action has none, such as a credit
-- adjustment, whose amount is its own column). The table stays append-only (V7's trigger).
ALTER TABLE admin_audit ADD COLUMN before_state text CHECK (length(before_state) <= 500);
ALTER TABLE admin_audit ADD COLUMN after_state text CHECK (length(after_state) <= 500);
CREATE INDEX admin_audit_admin ON admin_audit (admin_id, id DESC);

-- An admin may disable an account (account/AccountAdmin): it cannot sign in while disabled_at is set.
ALTER TABLE app_user ADD COLUMN disabled_at timestamptz;

-- Deleting an account on request (admin/AccountDeletion) keeps the row for the ledger, payments and
-- audit rows that point at it, with its personal data gone: the email becomes
-- deleted-<id>@deleted.invalid (so the address can register again), the password unusable.
ALTER TABLE app_user ADD COLUMN deleted_at timestamptz;

-- The admins' second factor (account/AdminSecondFactor, text2image.security.admin-2fa). The TOTP
-- secret is kept as is: the server computes the codes from it. enabled_at is set once the admin
-- confirmed a code; last_step is the step of the last accepted code (a code is accepted once).
CREATE TABLE admin_totp (
    user_id    bigint      PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    secret     bytea       NOT NULL CHECK (length(secret) = 20),
    created_at timestamptz NOT NULL,
    enabled_at timestamptz,
    last_step  bigint      NOT NULL DEFAULT -1
);
-- Single-use recovery codes: only their SHA-256.
CREATE TABLE admin_recovery_code (
    user_id   bigint      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    code_hash bytea       NOT NULL CHECK (length(code_hash) = 32),
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);
