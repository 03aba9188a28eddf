package org.text2image.server.settings;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The default of each {@link Setting}: its configuration key ({@link Setting#configurationKey()})
 * read from the Spring {@code Environment} (application.yml, environment variables, command line),
 * the same keys the owning modules' {@code *Properties} records bind and validate at start-up, and
 * {@link SettingsProperties} for the three keys of this module.
 * A key that is absent falls back to the value application.yml ships. Automatic retries are
 * {@code text2image.generation.max-attempts} − 1.
 */
@Component
class SettingsDefaults {

    private final int minSize;
    private final Map<Setting, Object> values;

    SettingsDefaults(Environment environment, SettingsProperties own) {
        Binder binder = Binder.get(environment);
        this.minSize = bind(binder, "text2image.generation.min-size", Integer.class, 64);
        Map<Setting, Object> defaults = new EnumMap<>(Setting.class);
        defaults.put(Setting.MAX_WIDTH, bind(binder, Setting.MAX_WIDTH, Integer.class, 1024));
        defaults.put(Setting.MAX_HEIGHT, bind(binder, Setting.MAX_HEIGHT, Integer.class, 1024));
        defaults.put(Setting.SIGNUP_CREDITS, bind(binder, Setting.SIGNUP_CREDITS, Long.class, 20L));
        defaults.put(Setting.LOW_BALANCE_THRESHOLD, bind(binder, Setting.LOW_BALANCE_THRESHOLD, Long.class, 5L));
        defaults.put(Setting.UPI_VPA, bind(binder, Setting.UPI_VPA, String.class, "").strip());
        defaults.put(Setting.UPI_PAYEE_NAME, bind(binder, Setting.UPI_PAYEE_NAME, String.class, "").strip());
        defaults.put(Setting.SUPPORT_EMAIL, own.supportEmail());
        defaults.put(Setting.WHATSAPP_LINK, own.whatsappLink());
        defaults.put(Setting.ATTEMPT_TIMEOUT, bind(binder, Setting.ATTEMPT_TIMEOUT, Duration.class, Duration.ofMinutes(5)));
        defaults.put(Setting.AUTOMATIC_RETRIES, bind(binder, Setting.AUTOMATIC_RETRIES, Integer.class, 3) - 1);
        defaults.put(Setting.MAX_QUEUED_JOBS_PER_USER, bind(binder, Setting.MAX_QUEUED_JOBS_PER_USER, Integer.class, 20));
        defaults.put(Setting.ANNOUNCEMENT, own.announcement());
        this.values = Collections.unmodifiableMap(defaults);
    }

    /** The configured smallest width and height ({@code text2image.generation.min-size}), the floor of the largest. */
    int minSize() {
        return minSize;
    }

    /** The default of each setting, of its type. */
    Map<Setting, Object> values() {
        return values;
    }

    private static <T> T bind(Binder binder, Setting setting, Class<T> type, T fallback) {
        return bind(binder, setting.configurationKey(), type, fallback);
    }

    private static <T> T bind(Binder binder, String key, Class<T> type, T fallback) {
        return binder.bind(key, Bindable.of(type)).orElse(fallback);
    }
}
