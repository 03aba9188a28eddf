package org.text2image.server.settings;

/**
 * The settings in force on this server instance, as an in-memory snapshot: {@link #current()} is
 * a volatile read, cheap enough for every request. The bean ({@code liveSettings}, also for
 * templates: {@code ${@liveSettings.current().supportEmail()}}) reads the {@code app_setting}
 * table again whenever the {@code app_setting_changed} channel rings (PostgreSQL NOTIFY on commit
 * of any change, through {@code support/DatabaseSignals}), so a change saved on one instance is in
 * force on all of them within moments, and at once on the instance that saved it.
 */
public interface LiveSettings {

    /** The settings in force now; read again on each use. */
    Settings current();

    /** Fixed settings that never change: for tools and unit tests that run without a database. */
    static LiveSettings fixed(Settings settings) {
        return () -> settings;
    }
}
