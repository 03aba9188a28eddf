-- Outgoing mail (notifications/MailOutbox): a row is written in the transaction that decided to
-- send it, so a rolled-back change sends nothing; the mail-outbox-delivery task sends it later.
--   PENDING  waiting for delivery (attempts > 0 and last_error: a failed try, retried at next_attempt_at)
--   SENT     handed to the SMTP server
--   LOGGED   no SMTP server configured: written to the log instead (development)
--   FAILED   gave up after text2image.mail.max-attempts tries; last_error says why
CREATE TABLE mail_outbox (
    id              bigserial   PRIMARY KEY,
    user_id         bigint      REFERENCES app_user (id) ON DELETE SET NULL,
    recipient       text        NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
    subject         text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body            text        NOT NULL CHECK (length(body) <= 20000),
    status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'LOGGED', 'FAILED')),
    attempts        int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      text,
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    processed_at    timestamptz,
    CHECK ((status = 'PENDING') = (processed_at IS NULL))
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at, id) WHERE status = 'PENDING';

-- Users warned that their balance fell below text2image.credits.low-balance-threshold. The
-- primary key makes it one warning per crossing: the row is inserted with the warning (a second
-- insert does nothing and sends nothing) and deleted when the balance is back at the threshold.
CREATE TABLE low_balance_warning (
    user_id   bigint      PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    warned_at timestamptz NOT NULL
);
