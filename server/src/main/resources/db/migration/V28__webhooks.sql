-- Webhooks of the public API (api/webhooks, docs/API.md "Webhooks"): the outbox of signed job
-- events posted to an API key's callback URL (api_key.callback_url, signed with
-- api_key.webhook_secret). A row is written in the transaction that ends the job, so it exists
-- exactly when the job's end committed; the webhook-delivery task posts it, retrying with backoff.

-- One message to one key's callback URL. msg_id is the Standard Webhooks webhook-id, the same on
-- every retry of the row; a resend from the delivery log is a new row (resent_from) with a new
-- msg_id and the same payload. PENDING rows are due at next_attempt_at (while an attempt is under
-- way the task moves it forward as a lease); DELIVERED got a 2xx; FAILED was given up (24 hours of
-- failed attempts, 410 Gone, or the key's webhook removed or the key revoked).
CREATE TABLE webhook_delivery (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_id           bigint      NOT NULL REFERENCES api_key (id),
    job_id           uuid        NOT NULL REFERENCES generation_job (id),
    event_type       text        NOT NULL CHECK (event_type IN ('job.succeeded', 'job.failed', 'job.cancelled')),
    msg_id           text        NOT NULL UNIQUE CHECK (msg_id ~ '^msg_[A-Za-z0-9_-]{16,40}$'),
    payload          text        NOT NULL CHECK (length(payload) BETWEEN 2 AND 65536),
    status           text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    last_attempt_at  timestamptz,
    last_status_code int         CHECK (last_status_code BETWEEN 100 AND 599),
    last_error       text        CHECK (length(last_error) <= 500),
    resent_from      bigint      REFERENCES webhook_delivery (id),
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    CHECK ((status = 'DELIVERED') = (delivered_at IS NOT NULL)),
    CHECK (status <> 'DELIVERED' OR last_status_code BETWEEN 200 AND 299)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (status, next_attempt_at);
CREATE INDEX webhook_delivery_key ON webhook_delivery (key_id, created_at DESC, id DESC);
CREATE INDEX webhook_delivery_job ON webhook_delivery (job_id);
