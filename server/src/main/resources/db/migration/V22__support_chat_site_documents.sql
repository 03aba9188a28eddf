-- Support chat (help/chat): one conversation per user with the operator. A user writes, admins
-- answer from /admin/support. The unread counters are kept on the conversation (incremented when
-- the other side writes, set to 0 when a side reads), so the inbox and the Help button read one
-- row. user_watching_at is the last keep-alive of the user's open support page (its event
-- stream): with the user's session times it tells whether the user is on the site, and so
-- whether an admin's reply is mailed.
CREATE TABLE support_conversation (
    id               bigserial   PRIMARY KEY,
    user_id          bigint      NOT NULL UNIQUE REFERENCES app_user (id),
    status           text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
    created_at       timestamptz NOT NULL,
    last_message_at  timestamptz NOT NULL,
    unread_by_admin  integer     NOT NULL DEFAULT 0 CHECK (unread_by_admin >= 0),
    unread_by_user   integer     NOT NULL DEFAULT 0 CHECK (unread_by_user >= 0),
    user_watching_at timestamptz
);
CREATE INDEX support_conversation_inbox ON support_conversation (status, last_message_at DESC, id DESC);

-- Messages are plain text of 1-4000 characters. post_key is the one-time key of the form that
-- posted it: a double click or a replayed post finds its key taken and adds nothing. job_id and
-- payment_reference name what the user attached (checked to be theirs when posted). mail_state of an
-- admin's reply: WAITING while the user has not read it and was on the site, SENT once mailed,
-- NONE when no mail is needed.
CREATE TABLE support_message (
    id              bigserial   PRIMARY KEY,
    conversation_id bigint      NOT NULL REFERENCES support_conversation (id) ON DELETE CASCADE,
    author_id       bigint      NOT NULL REFERENCES app_user (id),
    from_admin      boolean     NOT NULL,
    body            text        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    job_id          uuid,
    payment_reference text      CHECK (payment_reference ~ '^[A-Z0-9]{6,20}$'),
    post_key        uuid        NOT NULL,
    created_at      timestamptz NOT NULL,
    mail_state      text        NOT NULL DEFAULT 'NONE' CHECK (mail_state IN ('NONE', 'WAITING', 'SENT')),
    UNIQUE (author_id, post_key)
);
CREATE INDEX support_message_conversation ON support_message (conversation_id, id);
CREATE INDEX support_message_mail_waiting ON support_message (conversation_id) WHERE mail_state = 'WAITING';

-- Live support pages (help/chat/SupportStreams): notified with the conversation id when a
-- message is posted or the conversation is closed or reopened, from whichever instance did it.
CREATE FUNCTION support_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'support_message' THEN
        PERFORM pg_notify('help_support_changed', NEW.conversation_id::text);
    ELSE
        PERFORM pg_notify('help_support_changed', NEW.id::text);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER support_message_notify
    AFTER INSERT ON support_message FOR EACH ROW EXECUTE FUNCTION support_notify_changed();
CREATE TRIGGER support_conversation_notify
    AFTER UPDATE ON support_conversation
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION support_notify_changed();

-- The privacy and terms pages as the admins wrote them (Markdown, help/pages/SiteDocuments).
-- Without a row the page shows the default text shipped with the server.
CREATE TABLE site_document (
    slug       text        PRIMARY KEY CHECK (slug IN ('privacy', 'terms')),
    markdown   text        NOT NULL CHECK (char_length(markdown) <= 50000),
    updated_at timestamptz NOT NULL,
    updated_by bigint      NOT NULL REFERENCES app_user (id)
);
