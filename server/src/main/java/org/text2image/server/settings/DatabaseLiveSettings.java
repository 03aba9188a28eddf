package org.text2image.server.settings;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.text2image.server.support.DatabaseSignals;

/**
 * {@link LiveSettings} kept in step with {@code app_setting}: a volatile snapshot, read again from
 * the table whenever {@value #CHANNEL} rings. The database signals also ring when their connection
 * breaks and while it is down, and once when they (re)connect, so a change missed meanwhile is
 * read then. Readings are made on one background thread, never on the signals' thread; rings that
 * come while one is made are folded into a single next reading.
 */
@Component("liveSettings")
class DatabaseLiveSettings implements LiveSettings, DisposableBean {

    /** PostgreSQL channel notified on commit of any change to {@code app_setting} (migration V20). */
    static final String CHANNEL = "app_setting_changed";
    private static final Logger log = LoggerFactory.getLogger(DatabaseLiveSettings.class);

    private final SettingsStore store;
    private final SettingsDefaults defaults;
    /** One thread; one waiting reading at most (it reads whatever committed before it starts). */
    private final ThreadPoolExecutor refresher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1), Thread.ofPlatform().name("live-settings").daemon(true).factory(),
            new ThreadPoolExecutor.DiscardPolicy());
    private volatile Settings snapshot;
    private volatile boolean failing;

    DatabaseLiveSettings(SettingsStore store, SettingsDefaults defaults, DatabaseSignals signals) {
        this.store = store;
        this.defaults = defaults;
        signals.subscribe(CHANNEL, payload -> refresher.execute(this::refreshQuietly));
    }

    @Override
    public Settings current() {
        Settings settings = snapshot;
        return settings != null ? settings : refresh();
    }

    /**
     * Reads the table and makes what it says the snapshot. Readings are one at a time, so one that
     * started later (and may have seen a later commit) is never overwritten by an earlier one.
     */
    synchronized Settings refresh() {
        Settings settings = Settings.of(effective(store.overrides()));
        snapshot = settings;
        return settings;
    }

    /** Each setting's value: its valid override, else its default (an override no longer valid is logged and skipped). */
    Map<Setting, Object> effective(Map<String, String> overrides) {
        Map<Setting, Object> values = new EnumMap<>(defaults.values());
        overrides.forEach((name, text) -> Setting.byKey(name).ifPresentOrElse(setting -> {
            try {
                values.put(setting, SettingRules.parse(setting, text, defaults.minSize()));
            } catch (SettingRules.InvalidSettingException e) {
                log.warn("Setting {} keeps its default: the stored value \"{}\" is not valid ({})", name, text, e.getMessage());
            }
        }, () -> log.warn("Ignoring unknown setting {} in app_setting", name)));
        return values;
    }

    /** {@link #refresh()}, logging a failure instead of throwing: the last snapshot stays until the next ring. */
    void refreshQuietly() {
        try {
            refresh();
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Could not read the live settings; keeping the last ones: {}", e.getMessage());
            }
            failing = true;
        }
    }

    @Override
    public void destroy() {
        refresher.shutdownNow();
    }
}
