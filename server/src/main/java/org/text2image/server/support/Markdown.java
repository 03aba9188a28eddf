package org.text2image.server.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.HtmlWriter;
import org.commonmark.renderer.text.TextContentRenderer;

/**
 * The one Markdown renderer: operator-written text (the announcement banner, the privacy and terms
 * pages) becomes HTML that is safe to put into a page unescaped.
 *
 * <p>Safety comes from commonmark-java's own switches plus one rule of ours:
 * <ul>
 *   <li>{@code escapeHtml(true)}: raw HTML in the source (a {@code <script>}, an {@code <img onerror>})
 *       is written out as text, never as markup;</li>
 *   <li>{@code sanitizeUrls(true)}: a link or image whose scheme is not {@code http}, {@code https},
 *       {@code mailto} or {@code data} gets an empty URL, so {@code javascript:} links do nothing;</li>
 *   <li>images are rendered as links to the image (the Content-Security-Policy allows images from
 *       this site only, and a banner should not load a stranger's picture);</li>
 *   <li>every link opens with {@code rel="nofollow noopener noreferrer"}.</li>
 * </ul>
 * Thread-safe: commonmark's parser and renderer are immutable.
 */
public final class Markdown {

    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
            .escapeHtml(true)
            .sanitizeUrls(true)
            .attributeProviderFactory(context -> (node, tag, attributes) -> {
                if (node instanceof Link) {
                    attributes.put("rel", "nofollow noopener noreferrer");
                }
            })
            .nodeRendererFactory(ImageAsLink::new)
            .build();

    private Markdown() {
    }

    /**
     * Renders CommonMark source to an HTML fragment (block elements such as {@code <p>},
     * {@code <ul>}, {@code <h2>}). Null or blank gives "".
     */
    public static String toHtml(String source) {
        if (source == null || source.isBlank()) {
            return "";
        }
        return RENDERER.render(PARSER.parse(source));
    }

    /** Renders the source as plain text, without any markup (for an email or a title). */
    public static String toPlainText(String source) {
        if (source == null || source.isBlank()) {
            return "";
        }
        return TextContentRenderer.builder().build().render(PARSER.parse(source)).strip();
    }

    /** Writes {@code ![alt](url)} as {@code <a href="url">alt</a>}: no remote image is loaded. */
    private static final class ImageAsLink implements NodeRenderer {

        private final HtmlNodeRendererContext context;
        private final HtmlWriter html;

        ImageAsLink(HtmlNodeRendererContext context) {
            this.context = context;
            this.html = context.getWriter();
        }

        @Override
        public Set<Class<? extends Node>> getNodeTypes() {
            return Set.of(Image.class);
        }

        @Override
        public void render(Node node) {
            Image image = (Image) node;
            String url = context.urlSanitizer().sanitizeLinkUrl(image.getDestination());
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("href", context.encodeUrl(url));
            attributes.put("rel", "nofollow noopener noreferrer");
            html.tag("a", context.extendAttributes(node, "a", attributes));
            Node child = image.getFirstChild();
            while (child != null) {
                Node next = child.getNext();
                context.render(child);
                child = next;
            }
            html.tag("/a");
        }
    }
}
