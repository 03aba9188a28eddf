package org.text2image.server.settings;

import org.springframework.stereotype.Component;
import org.text2image.server.support.Markdown;

/**
 * The announcement banner every page shows ({@code templates/settings/announcement.html}, read as
 * {@code @announcementBanner.html()}): the {@link Settings#announcement()} Markdown rendered by
 * {@link Markdown} (HTML in it escaped, links sanitised). The rendering is kept until the text changes.
 */
@Component("announcementBanner")
public class AnnouncementBanner {

    private final LiveSettings settings;
    private volatile Rendered last = new Rendered("", "");

    AnnouncementBanner(LiveSettings settings) {
        this.settings = settings;
    }

    /** The banner's HTML, or {@code ""} when there is no announcement. */
    public String html() {
        String source = settings.current().announcement();
        Rendered rendered = last;
        if (!rendered.source().equals(source)) {
            rendered = new Rendered(source, source.isBlank() ? "" : Markdown.toHtml(source));
            last = rendered;
        }
        return rendered.html();
    }

    private record Rendered(String source, String html) {
    }
}
