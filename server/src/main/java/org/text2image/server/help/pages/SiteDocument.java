package org.text2image.server.help.pages;

import java.util.Optional;

/** The pages admins write: {@code /privacy} and {@code /terms}. */
public enum SiteDocument {
    PRIVACY("privacy", "Privacy"), TERMS("terms", "Terms");

    private final String slug;
    private final String title;

    SiteDocument(String slug, String title) {
        this.slug = slug;
        this.title = title;
    }

    /** The path segment and the {@code site_document} key: {@code privacy}, {@code terms}. */
    public String slug() {
        return slug;
    }

    /** "Privacy", "Terms". */
    public String title() {
        return title;
    }

    /** The document of a path segment, if any. */
    public static Optional<SiteDocument> of(String slug) {
        for (SiteDocument document : values()) {
            if (document.slug.equals(slug)) {
                return Optional.of(document);
            }
        }
        return Optional.empty();
    }
}
