package org.text2image.server.notifications;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The mail outbox ({@code mail_outbox}): mails are written here, in the transaction of the change
 * they tell about, and sent later by {@link OutboxDelivery}. A change that rolls back takes its
 * mail with it; a mail is never sent for something that did not happen.
 */
@Service
public class MailOutbox {

    /** Most rows {@link #newest} returns. */
    public static final int MAX_LISTED = 500;

    private final JdbcClient jdbc;
    private final Clock clock;

    MailOutbox(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Adds a pending plain-text mail, due at once, in the caller's transaction (or its own).
     *
     * @param userId the user it is written for, or null
     * @param recipient an email address (3–254 characters)
     * @param subject 1–200 characters
     * @param body at most 20,000 characters
     * @return the outbox row's id
     * @throws org.springframework.dao.DataIntegrityViolationException when a length is out of range
     */
    @Transactional
    public long enqueue(Long userId, String recipient, String subject, String body) {
        return enqueue(userId, recipient, subject, body, null);
    }

    /**
     * Adds a pending mail with a plain-text body and, optionally, an HTML version of it (sent as
     * multipart/alternative: mail apps show the HTML, others the text), due at once, in the
     * caller's transaction (or its own).
     *
     * @param htmlBody the same message as HTML (at most 100,000 characters, escaped by the caller),
     *     or null for text only
     * @return the outbox row's id
     * @throws org.springframework.dao.DataIntegrityViolationException when a length is out of range
     */
    @Transactional
    public long enqueue(Long userId, String recipient, String subject, String body, String htmlBody) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return jdbc.sql("""
                INSERT INTO mail_outbox (user_id, recipient, subject, body, html_body, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(userId, recipient, subject, body, htmlBody, now, now).query(Long.class).single();
    }

    /** The newest mails first, at most {@code limit} (1–{@value #MAX_LISTED}). */
    @Transactional(readOnly = true)
    public List<OutboxMail> newest(int limit) {
        return jdbc.sql("""
                SELECT id, user_id, recipient, subject, body, html_body, status, attempts, last_error, created_at, processed_at
                FROM mail_outbox ORDER BY id DESC LIMIT ?""")
                .params(Math.clamp(limit, 1, MAX_LISTED)).query(OutboxMail.class).list();
    }

    /**
     * One page of mails, newest first, whose recipient or subject contains {@code text} (case
     * ignored; "" matches all) and, when {@code status} is not null, in that status.
     *
     * @param page from 0
     * @param size rows per page (1–{@value #MAX_LISTED})
     */
    @Transactional(readOnly = true)
    public MailPage search(String text, MailStatus status, int page, int size) {
        int rows = Math.clamp(size, 1, MAX_LISTED);
        String pattern = "%" + text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%";
        String statusName = status == null ? null : status.name();
        String where = """
                WHERE (lower(recipient) LIKE :pattern OR lower(subject) LIKE :pattern)
                  AND (CAST(:status AS text) IS NULL OR status = CAST(:status AS text))""";
        List<OutboxMail> mails = jdbc.sql("""
                SELECT id, user_id, recipient, subject, body, html_body, status, attempts, last_error, created_at, processed_at
                FROM mail_outbox
                """ + where + " ORDER BY id DESC LIMIT :rows OFFSET :offset")
                .param("pattern", pattern).param("status", statusName).param("rows", rows + 1)
                .param("offset", (long) page * rows).query(OutboxMail.class).list();
        long total = jdbc.sql("SELECT count(*) FROM mail_outbox " + where)
                .param("pattern", pattern).param("status", statusName).query(Long.class).single();
        return new MailPage(mails.subList(0, Math.min(rows, mails.size())), total, page, mails.size() > rows);
    }

    /**
     * One page of the outbox.
     *
     * @param mails the mails on this page, newest first
     * @param total how many mails match in all
     * @param page this page's number, from 0
     * @param hasNext whether an older page follows
     */
    public record MailPage(List<OutboxMail> mails, long total, int page, boolean hasNext) {
    }

    /** How many mails the outbox holds, whatever their status. */
    @Transactional(readOnly = true)
    public long count() {
        return jdbc.sql("SELECT count(*) FROM mail_outbox").query(Long.class).single();
    }

    /**
     * Deletes every mail to or about an account deleted on request: the mails addressed to it and
     * those whose text names its address (such as the admins' "asked to delete" mail).
     *
     * @return how many mails were deleted
     */
    @Transactional
    public int forget(long userId, String email) {
        return jdbc.sql("""
                DELETE FROM mail_outbox WHERE user_id = ? OR lower(recipient) = lower(?)
                   OR strpos(lower(body), lower(?)) > 0 OR strpos(lower(coalesce(html_body, '')), lower(?)) > 0""")
                .params(userId, email, email, email).update();
    }
}
