package org.text2image.server.help.chat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.util.HtmlUtils;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.UserText;

/**
 * The text of a support message: what is accepted, and how it is shown. A message is plain text
 * of 1–{@value #MAX_LENGTH} characters (Unicode code points, as PostgreSQL's {@code char_length}
 * counts them) with a visible character, line breaks and tabs but no other control character (so
 * no NUL, which PostgreSQL cannot store). It is shown HTML-escaped, with {@code http} and
 * {@code https} addresses made into links that open with {@code rel="nofollow noopener noreferrer"};
 * nothing else becomes markup.
 */
public final class MessageText {

    /** Longest message, in characters. */
    public static final int MAX_LENGTH = 4000;

    /** An http(s) address up to whitespace or a character that cannot be in one unescaped. */
    private static final Pattern LINK = Pattern.compile("(?i)\\bhttps?://[^\\s<>\"'`]+");
    /** Punctuation that ends a sentence rather than the address. */
    private static final String TRAILING = ".,;:!?)]}'\"";

    private MessageText() {
    }

    /**
     * The message as stored: NFC, line breaks as {@code \n}, surrounding whitespace removed.
     *
     * @throws InvalidInputException under {@code body} when it is empty, too long or holds a control character
     */
    public static String validate(String body) {
        String text = UserText.normalise(body == null ? "" : body.replace("\r\n", "\n").replace('\r', '\n'));
        if (!UserText.hasVisibleCharacter(text)) {
            throw invalid("Write a message first.");
        }
        int length = text.codePointCount(0, text.length());
        if (length > MAX_LENGTH) {
            throw invalid("A message may be at most 4,000 characters; this one has " + String.format("%,d", length) + ".");
        }
        if (text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw invalid("A message may not contain control characters (such as NUL).");
        }
        return text;
    }

    /** The message as safe HTML: escaped, with its http(s) addresses as links (line breaks are kept by CSS). */
    public static String toHtml(String body) {
        StringBuilder html = new StringBuilder(body.length() + 64);
        Matcher links = LINK.matcher(body);
        int done = 0;
        while (links.find()) {
            String url = trimTrailing(links.group());
            html.append(HtmlUtils.htmlEscape(body.substring(done, links.start())));
            String escaped = HtmlUtils.htmlEscape(url);
            html.append("<a href=\"").append(escaped).append("\" rel=\"nofollow noopener noreferrer\">")
                    .append(escaped).append("</a>");
            done = links.start() + url.length();
        }
        return html.append(HtmlUtils.htmlEscape(body.substring(done))).toString();
    }

    private static String trimTrailing(String url) {
        int end = url.length();
        while (end > 0 && TRAILING.indexOf(url.charAt(end - 1)) >= 0) {
            end--;
        }
        return url.substring(0, end);
    }

    private static InvalidInputException invalid(String message) {
        return new InvalidInputException(Map.of("body", message));
    }
}
