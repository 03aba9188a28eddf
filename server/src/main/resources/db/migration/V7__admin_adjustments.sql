-- Admin credit adjustments (credits/CreditLedger.adjust, admin page /admin/credits).
-- An addition is a lot of source ADMIN (a GRANT entry); a removal is a debit, taken from the
-- user's lots like a hold (soonest expiring first) and consumed at once (a DEBIT entry).
CREATE TABLE credit_debit (
    id             bigserial   PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES app_user (id),
    amount_credits bigint      NOT NULL CHECK (amount_credits > 0),
    created_at     timestamptz NOT NULL
);
CREATE TABLE credit_debit_lot (
    debit_id       bigint NOT NULL REFERENCES credit_debit (id),
    lot_id         bigint NOT NULL REFERENCES credit_lot (id),
    amount_credits bigint NOT NULL CHECK (amount_credits > 0),
    PRIMARY KEY (debit_id, lot_id)
);

-- Who did what as an admin. Append-only, like the ledger.
CREATE TABLE admin_audit (
    id             bigserial   PRIMARY KEY,
    admin_id       bigint      NOT NULL REFERENCES app_user (id),
    action         text        NOT NULL CHECK (length(action) > 0),
    target_user_id bigint      REFERENCES app_user (id),
    amount_credits bigint,
    reason         text        NOT NULL CHECK (length(btrim(reason)) > 0),
    created_at     timestamptz NOT NULL
);
CREATE INDEX admin_audit_target ON admin_audit (target_user_id, id DESC);
CREATE FUNCTION refuse_change_of_append_only_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER admin_audit_append_only
    BEFORE UPDATE OR DELETE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only_table();
