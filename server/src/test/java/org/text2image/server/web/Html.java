package org.text2image.server.web;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads rendered pages in tests: visible text, and the text or attributes of an element by id. */
public final class Html {

    private Html() {
    }

    /** The page's text: tags removed, entities decoded, whitespace collapsed. */
    public static String text(String html) {
        String noScripts = html.replaceAll("(?s)<script.*?</script>", " ");
        return decode(noScripts.replaceAll("(?s)<!--.*?-->", " ").replaceAll("<[^>]+>", " "))
                .replaceAll("\\s+", " ").strip();
    }

    /**
     * The text of the element with this id (up to the first closing tag of the same name, so use
     * it for elements without nested elements of their own kind), or null when there is none.
     */
    public static String textOf(String html, String id) {
        Matcher m = Pattern.compile("(?s)<(\\w+)\\b[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</\\1>").matcher(html);
        return m.find() ? text(m.group(2)) : null;
    }

    /** The opening tag of the element with this id, or null. */
    public static String tagOf(String html, String id) {
        Matcher m = Pattern.compile("<\\w+\\b[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(html);
        return m.find() ? m.group() : null;
    }

    /** The value of an attribute in the opening tag of the element with this id, or null. */
    public static String attributeOf(String html, String id, String attribute) {
        String tag = tagOf(html, id);
        if (tag == null) {
            return null;
        }
        Matcher m = Pattern.compile("\\s" + Pattern.quote(attribute) + "=\"([^\"]*)\"").matcher(tag);
        return m.find() ? decode(m.group(1)) : null;
    }

    private static String decode(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
