package org.text2image.server.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.text2image.server.support.UpiIds;

/**
 * What each {@link Setting} accepts, and how its value is written as text (in the form, in the
 * {@code app_setting} table and in the audit log). Parsing is the validation: a value that parses
 * is within its setting's range.
 */
final class SettingRules {

    /** Largest width or height an admin may allow, in pixels. */
    static final int MAX_SIZE = 4096;
    /** Sizes are multiples of this many pixels (what Stable Diffusion's latent space divides evenly). */
    static final int SIZE_STEP = 64;
    static final long MAX_CREDITS = 1_000_000;
    static final String MAX_CREDITS_TEXT = "1,000,000";
    static final int MAX_RETRIES = 10;
    static final int MAX_QUEUED = 1000;
    static final int MAX_ANNOUNCEMENT = 2000;
    static final String MAX_ANNOUNCEMENT_TEXT = "2,000";
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(10);
    static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    private static final int MAX_LINE = 254;
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,3})h)?(?:(\\d{1,5})m)?(?:(\\d{1,6})s)?");
    private static final Set<String> WHATSAPP_HOSTS = Set.of("wa.me", "api.whatsapp.com");

    private SettingRules() {
    }

    /**
     * The value of {@code text} for {@code setting}: an {@code Integer}, {@code Long},
     * {@code Duration} or {@code String} as {@link Settings} holds it. Surrounding spaces do not count.
     *
     * @param minSize the configured smallest size ({@code text2image.generation.min-size}), the floor of the largest
     * @throws InvalidSettingException with a message for the form when the text is not an allowed value
     */
    static Object parse(Setting setting, String text, int minSize) {
        if (text.indexOf('\0') >= 0) {
            throw new InvalidSettingException("This contains a character that is not allowed (NUL).");
        }
        String value = setting.multiline() ? text.replace("\r\n", "\n").replace('\r', '\n').strip() : text.strip();
        if (!setting.multiline() && value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSettingException("This must be one line of text without control characters.");
        }
        return switch (setting) {
            case MAX_WIDTH, MAX_HEIGHT -> size(value, minSize);
            case SIGNUP_CREDITS, LOW_BALANCE_THRESHOLD -> (long) whole(value, 0, MAX_CREDITS,
                    "Enter a whole number of credits from 0 to " + MAX_CREDITS_TEXT + ".");
            case AUTOMATIC_RETRIES -> (int) whole(value, 0, MAX_RETRIES, "Enter a whole number from 0 to " + MAX_RETRIES + ".");
            case MAX_QUEUED_JOBS_PER_USER -> (int) whole(value, 1, MAX_QUEUED, "Enter a whole number from 1 to " + MAX_QUEUED + ".");
            case ATTEMPT_TIMEOUT -> duration(value);
            case UPI_VPA -> optional(value, UpiIds.isVpa(value), "Enter a UPI ID such as shop@okaxis, or leave it empty.");
            case UPI_PAYEE_NAME -> optional(value, UpiIds.isPayeeName(value),
                    "Enter the payee name in at most " + UpiIds.MAX_PAYEE_NAME + " characters.");
            case SUPPORT_EMAIL -> optional(value, value.length() <= MAX_LINE && EMAIL.matcher(value).matches(),
                    "Enter an email address such as help@example.com, or leave it empty.");
            case WHATSAPP_LINK -> optional(value, whatsapp(value),
                    "Enter a link that starts with https://wa.me/ or https://api.whatsapp.com/, or leave it empty.");
            case ANNOUNCEMENT -> announcement(value);
        };
    }

    /** The text of a value, as {@link #parse} reads it back. */
    static String format(Object value) {
        return value instanceof Duration duration ? format(duration) : String.valueOf(value);
    }

    /** {@code 1h30m}, {@code 2m}, {@code 90s} → {@code 1m30s}. */
    static String format(Duration duration) {
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        String text = (hours > 0 ? hours + "h" : "") + (minutes > 0 ? minutes + "m" : "") + (seconds > 0 ? seconds + "s" : "");
        return text.isEmpty() ? "0s" : text;
    }

    private static int size(String value, int minSize) {
        int floor = Math.max(SIZE_STEP, (minSize + SIZE_STEP - 1) / SIZE_STEP * SIZE_STEP);
        String message = "Enter a multiple of " + SIZE_STEP + " from " + floor + " to " + MAX_SIZE + " pixels, such as 768 or 1024.";
        int size = (int) whole(value, floor, MAX_SIZE, message);
        if (size % SIZE_STEP != 0) {
            throw new InvalidSettingException(message);
        }
        return size;
    }

    private static long whole(String value, long min, long max, String message) {
        if (!value.matches("-?\\d{1,18}")) {
            throw new InvalidSettingException(message);
        }
        long number = Long.parseLong(value);
        if (number < min || number > max) {
            throw new InvalidSettingException(message);
        }
        return number;
    }

    private static Duration duration(String value) {
        String message = "Enter a time from 10s to 24h, such as 90s, 2m, 1h30m, or a number of minutes.";
        String text = value.toLowerCase(Locale.ROOT).replace(" ", "");
        Duration duration;
        if (text.matches("\\d{1,6}")) {
            duration = Duration.ofMinutes(Long.parseLong(text));
        } else {
            Matcher matcher = DURATION.matcher(text);
            if (text.isEmpty() || !matcher.matches()) {
                throw new InvalidSettingException(message);
            }
            duration = Duration.ofHours(number(matcher.group(1))).plusMinutes(number(matcher.group(2)))
                    .plusSeconds(number(matcher.group(3)));
        }
        if (duration.compareTo(MIN_TIMEOUT) < 0 || duration.compareTo(MAX_TIMEOUT) > 0) {
            throw new InvalidSettingException(message);
        }
        return duration;
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    private static String optional(String value, boolean valid, String message) {
        if (!value.isEmpty() && !valid) {
            throw new InvalidSettingException(message);
        }
        return value;
    }

    private static boolean whatsapp(String value) {
        if (value.length() > MAX_LINE || !value.startsWith("https://")) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return "https".equals(uri.getScheme()) && uri.getRawUserInfo() == null && uri.getPort() == -1
                    && WHATSAPP_HOSTS.contains(uri.getHost()) && uri.getRawPath() != null && uri.getRawPath().length() > 1;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String announcement(String value) {
        if (value.length() > MAX_ANNOUNCEMENT) {
            throw new InvalidSettingException("This is " + value.length() + " characters; the limit is "
                    + MAX_ANNOUNCEMENT_TEXT + ".");
        }
        return value;
    }

    /** A value its setting does not accept; the message is for the form. */
    static final class InvalidSettingException extends IllegalArgumentException {
        InvalidSettingException(String message) {
            super(message);
        }
    }
}
