package org.text2image.server.settings;

import java.util.Arrays;
import java.util.Optional;

/**
 * The settings an admin can change on {@code /admin/settings}, each with its name (the form field
 * and the {@code app_setting} row), its label, the configuration key that gives its default and
 * what it accepts ({@link SettingRules} checks it). docs/CONFIGURATION.md, "Live settings".
 */
public enum Setting {
    MAX_WIDTH("max-width", "Largest width", "text2image.generation.max-width",
            "Pixels: a multiple of 64 from the smallest size to " + SettingRules.MAX_SIZE + "."),
    MAX_HEIGHT("max-height", "Largest height", "text2image.generation.max-height",
            "Pixels: a multiple of 64 from the smallest size to " + SettingRules.MAX_SIZE + "."),
    SIGNUP_CREDITS("signup-credits", "Free credits at signup", "text2image.accounts.signup-credits",
            "Credits each new account gets: 0 to " + SettingRules.MAX_CREDITS_TEXT + ". Existing accounts keep theirs."),
    LOW_BALANCE_THRESHOLD("low-balance-threshold", "Low-balance threshold", "text2image.credits.low-balance-threshold",
            "Below this many available credits a user sees a banner and gets one mail: 0 (off) to "
                    + SettingRules.MAX_CREDITS_TEXT + "."),
    UPI_VPA("upi-vpa", "UPI ID (VPA)", "text2image.payments.upi.vpa",
            "Such as shop@okaxis. Empty: UPI is not offered."),
    UPI_PAYEE_NAME("upi-payee-name", "UPI payee name", "text2image.payments.upi.payee-name",
            "The name payers see in their app: required with a UPI ID, at most 50 characters."),
    SUPPORT_EMAIL("support-email", "Support email", "text2image.settings.support-email",
            "Where users write for help, such as help@example.com. Empty: none shown."),
    WHATSAPP_LINK("whatsapp-link", "WhatsApp link", "text2image.settings.whatsapp-link",
            "An https://wa.me/… or https://api.whatsapp.com/… link. Empty: none shown."),
    ATTEMPT_TIMEOUT("attempt-timeout", "Attempt timeout", "text2image.generation.attempt-timeout",
            "How long one try of a job may run: 10s to 24h, written as 90s, 2m, 1h30m or a number of minutes. "
                    + "Applies to tries that start from now on."),
    AUTOMATIC_RETRIES("automatic-retries", "Automatic retries", "text2image.generation.max-attempts",
            "Tries after the first when a job fails: 0 to " + SettingRules.MAX_RETRIES
                    + ". Applies to jobs submitted from now on. Its default is max-attempts − 1."),
    MAX_QUEUED_JOBS_PER_USER("max-queued-jobs-per-user", "Queue limit per user",
            "text2image.generation.max-queued-jobs-per-user",
            "Queued plus running jobs one user may have at once: 1 to " + SettingRules.MAX_QUEUED + "."),
    ANNOUNCEMENT("announcement", "Announcement", "text2image.settings.announcement",
            "Shown at the top of every page, in Markdown (no HTML): at most "
                    + SettingRules.MAX_ANNOUNCEMENT_TEXT + " characters. Empty: no banner.");

    private final String key;
    private final String label;
    private final String configurationKey;
    private final String hint;

    Setting(String key, String label, String configurationKey, String hint) {
        this.key = key;
        this.label = label;
        this.configurationKey = configurationKey;
        this.hint = hint;
    }

    /** The form field and row name, such as {@code max-width}. */
    public String key() {
        return key;
    }

    /** What the page calls it. */
    public String label() {
        return label;
    }

    /** The configuration key of its default, such as {@code text2image.generation.max-width}. */
    public String configurationKey() {
        return configurationKey;
    }

    /** What it accepts, for the page. */
    public String hint() {
        return hint;
    }

    /** Whether the page offers a text area (several lines) for it. */
    public boolean multiline() {
        return this == ANNOUNCEMENT;
    }

    /** The setting with this {@link #key()}, if any. */
    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(setting -> setting.key.equals(key)).findFirst();
    }
}
