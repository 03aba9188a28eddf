package org.text2image.server.help.pages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.Markdown;

/**
 * The privacy and terms pages ({@code site_document}, migration V22): Markdown written by the
 * admins, rendered by {@link Markdown} (HTML escaped, links sanitised). Without a row a page
 * shows its default text, {@code help/<slug>.md} on the classpath. Every save and reset writes
 * the audit log in the same transaction.
 */
@Service
public class SiteDocuments {

    /** Longest text, in characters. */
    public static final int MAX_LENGTH = 50_000;

    private final JdbcClient jdbc;
    private final AdminAuditLog audit;
    private final Clock clock;
    private final Map<SiteDocument, String> defaults;

    SiteDocuments(JdbcClient jdbc, AdminAuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.defaults = Map.of(SiteDocument.PRIVACY, read(SiteDocument.PRIVACY), SiteDocument.TERMS, read(SiteDocument.TERMS));
    }

    /** The page's Markdown: the admins' text, or the default. */
    @Transactional(readOnly = true)
    public String markdown(SiteDocument document) {
        return edited(document).orElse(defaults.get(document));
    }

    /** The page as safe HTML. */
    public String html(SiteDocument document) {
        return Markdown.toHtml(markdown(document));
    }

    /** The admins' text, or empty while the page shows its default. */
    @Transactional(readOnly = true)
    public Optional<String> edited(SiteDocument document) {
        return jdbc.sql("SELECT markdown FROM site_document WHERE slug = ?").params(document.slug())
                .query(String.class).optional();
    }

    /** The default text shipped with the server. */
    public String defaultText(SiteDocument document) {
        return defaults.get(document);
    }

    /**
     * Saves the page's text, audited.
     *
     * @throws InvalidInputException under {@code markdown} when it is blank, too long or holds a control character
     */
    @Transactional
    public void save(SignedInUser admin, SiteDocument document, String markdown) {
        String text = markdown == null ? "" : markdown.replace("\r\n", "\n").strip();
        if (text.isEmpty()) {
            throw invalid("Write the page's text, or use “Back to the default text”.");
        }
        if (text.length() > MAX_LENGTH) {
            throw invalid("The text may be at most 50,000 characters; it has " + String.format("%,d", text.length()) + ".");
        }
        if (text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw invalid("The text may not contain control characters.");
        }
        String before = markdown(document);
        jdbc.sql("""
                INSERT INTO site_document (slug, markdown, updated_at, updated_by) VALUES (?, ?, ?, ?)
                ON CONFLICT (slug) DO UPDATE SET markdown = EXCLUDED.markdown, updated_at = EXCLUDED.updated_at,
                                                 updated_by = EXCLUDED.updated_by""")
                .params(document.slug(), text, OffsetDateTime.now(clock), admin.id()).update();
        audit.record(admin.id(), "SITE_PAGE_EDITED", null, null, document.title() + " page edited", before, text);
    }

    /**
     * Puts the default text back, audited.
     *
     * @return whether the page had been edited
     */
    @Transactional
    public boolean reset(SignedInUser admin, SiteDocument document) {
        String before = markdown(document);
        boolean edited = jdbc.sql("DELETE FROM site_document WHERE slug = ?").params(document.slug()).update() == 1;
        if (edited) {
            audit.record(admin.id(), "SITE_PAGE_RESET", null, null, document.title() + " page back to the default text",
                    before, defaults.get(document));
        }
        return edited;
    }

    private static InvalidInputException invalid(String message) {
        return new InvalidInputException(Map.of("markdown", message));
    }

    private static String read(SiteDocument document) {
        try (InputStream in = new ClassPathResource("help/" + document.slug() + ".md").getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("The default " + document.slug() + " text is missing from the server", e);
        }
    }
}
