-- Several server instances (docs/ARCHITECTURE.md, "In-memory state and several instances").
--
-- The token buckets of the rate limits that must hold across instances (sign-in failures, the
-- form posts that cost a mail or a job, job submissions by form and API): one row per bucket key,
-- owned by the web module (web/SharedBuckets). A bucket is its tokens at updated_at; it refills
-- evenly, count tokens per period, so a request computes the tokens now and takes one in a single
-- INSERT … ON CONFLICT DO UPDATE, which serialises racing requests on the row. full_at is when the
-- bucket is full again: a full bucket is the same as none, so the rate-limit-cleanup task deletes
-- rows past it. UNLOGGED: no WAL for these writes; after a crash PostgreSQL empties the table, and
-- every client starts with full buckets, as after a restart of the in-memory limiter.
CREATE UNLOGGED TABLE rate_limit_bucket (
    bucket_key text             PRIMARY KEY CHECK (length(bucket_key) <= 400),
    tokens     double precision NOT NULL CHECK (tokens >= 0),
    updated_at timestamptz      NOT NULL,
    full_at    timestamptz      NOT NULL
);
CREATE INDEX rate_limit_bucket_full ON rate_limit_bucket (full_at);

-- The claims of the Developers page's one-time form keys (api/developers/OneTimeFormKeys), owned by
-- the api module: the first post of a key inserts its row (ON CONFLICT DO NOTHING), so of two posts
-- of one key that reach two instances at the same moment only one creates an API key. A claim is
-- needed only for that moment (the key also leaves the session); rows older than ten minutes are
-- deleted by the next post.
CREATE TABLE api_form_key_claim (
    user_id    bigint      NOT NULL,
    form_key   text        NOT NULL CHECK (form_key ~ '^[A-Za-z0-9_-]{22}$'),
    claimed_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, form_key)
);
CREATE INDEX api_form_key_claim_age ON api_form_key_claim (claimed_at);

-- The key of the signed image URLs (generation/web/ImageUrls) when text2image.images.signing-key is
-- not set: made by the first instance that starts (INSERT … ON CONFLICT DO NOTHING) and read by
-- every other, so a URL signed by one instance works on all, and after a restart. Owned by the
-- generation module; one row.
CREATE TABLE image_url_key (
    id         smallint    PRIMARY KEY CHECK (id = 1),
    key_bytes  bytea       NOT NULL CHECK (length(key_bytes) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
