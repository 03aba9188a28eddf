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
