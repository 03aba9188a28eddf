package org.text2image.server.settings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.settings.*}: the defaults of the live settings that have no other
 * configuration key (the others are read from their modules' keys, {@link Setting#configurationKey()}).
 * Admins override them on {@code /admin/settings}.
 *
 * @param supportEmail the address users write to for help (default empty: none shown)
 * @param whatsappLink an {@code https://wa.me/…} or {@code https://api.whatsapp.com/…} link (default empty: none)
 * @param announcement a Markdown banner at the top of every page, at most 2,000 characters (default empty: none)
 */
@ConfigurationProperties("text2image.settings")
public record SettingsProperties(@DefaultValue("") String supportEmail, @DefaultValue("") String whatsappLink,
                                 @DefaultValue("") String announcement) {

    /** @throws IllegalArgumentException naming the key, for a value the settings page would refuse */
    public SettingsProperties {
        supportEmail = checked(Setting.SUPPORT_EMAIL, supportEmail);
        whatsappLink = checked(Setting.WHATSAPP_LINK, whatsappLink);
        announcement = checked(Setting.ANNOUNCEMENT, announcement);
    }

    private static String checked(Setting setting, String value) {
        try {
            return (String) SettingRules.parse(setting, value, 0);
        } catch (SettingRules.InvalidSettingException e) {
            throw new IllegalArgumentException(setting.configurationKey() + ": " + e.getMessage(), e);
        }
    }
}
