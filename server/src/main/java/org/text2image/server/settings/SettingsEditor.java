package org.text2image.server.settings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.support.InvalidInputException;

/**
 * What an admin does on {@code /admin/settings}: see every setting with its value, its configured
 * default and whether it is overridden; change several at once; reset one to its default. A save
 * checks every field first and writes nothing when any is invalid; the changes and their audit
 * rows ({@code SETTING_CHANGED} / {@code SETTING_RESET}, with the values before and after) are one
 * transaction. The instance that saved reads the settings again at once; the others on the
 * commit's notification ({@link LiveSettings}).
 */
@Service
public class SettingsEditor {

    private static final Logger log = LoggerFactory.getLogger(SettingsEditor.class);

    private final SettingsStore store;
    private final SettingsDefaults defaults;
    private final DatabaseLiveSettings live;
    private final AdminAuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;

    SettingsEditor(SettingsStore store, SettingsDefaults defaults, DatabaseLiveSettings live, AdminAuditLog audit,
                   TransactionTemplate transactions, Clock clock) {
        this.store = store;
        this.defaults = defaults;
        this.live = live;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Every setting as the page shows it, in {@link Setting} order, read from the table (not the snapshot). */
    public List<SettingView> view() {
        Map<String, String> overrides = store.overrides();
        Map<Setting, Object> effective = live.effective(overrides);
        return Arrays.stream(Setting.values()).map(setting -> new SettingView(setting,
                SettingRules.format(effective.get(setting)), SettingRules.format(defaults.values().get(setting)),
                overrides.containsKey(setting.key()))).toList();
    }

    /**
     * Saves the settings whose submitted value differs from the one in force, as overrides.
     * Fields not in {@code form} and other keys are left alone.
     *
     * @param form setting key ({@link Setting#key()}) → the text typed
     * @return the settings that changed, possibly none
     * @throws InvalidInputException with a message per invalid field (by key); nothing is written
     */
    public List<Setting> change(long adminId, Map<String, String> form) {
        Map<Setting, Object> submitted = parse(form);
        List<Setting> changed = transactions.execute(status -> {
            store.lockForWrite();
            Map<Setting, Object> before = live.effective(store.overrides());
            Map<Setting, Object> after = new LinkedHashMap<>(before);
            after.putAll(submitted);
            checkTogether(after);
            List<Setting> written = new ArrayList<>();
            submitted.forEach((setting, value) -> {
                if (!Objects.equals(before.get(setting), value)) {
                    store.put(setting.key(), SettingRules.format(value), adminId, clock.instant());
                    audit.record(adminId, "SETTING_CHANGED", null, null, "Setting " + setting.key() + " changed",
                            describe(setting, before.get(setting)), describe(setting, value));
                    written.add(setting);
                }
            });
            return written;
        });
        live.refreshQuietly(); // the commit is done: a failed read must not report it as failed
        if (!changed.isEmpty()) {
            log.info("Admin {} changed the settings {}", adminId, changed.stream().map(Setting::key).toList());
        }
        return changed;
    }

    /**
     * Removes the override of one setting, so its configured default is in force again.
     *
     * @return false when the setting was not overridden (nothing changed)
     * @throws InvalidInputException under {@code name} for an unknown setting, or when the default
     *     would leave the settings inconsistent (a UPI ID without a payee name)
     */
    public boolean reset(long adminId, String key) {
        Setting setting = Setting.byKey(key == null ? "" : key).orElseThrow(() ->
                new InvalidInputException(Map.of("name", "There is no setting of that name.")));
        Boolean removed = transactions.execute(status -> {
            store.lockForWrite();
            Map<String, String> overrides = new LinkedHashMap<>(store.overrides());
            Object before = live.effective(overrides).get(setting);
            if (overrides.remove(setting.key()) == null) {
                return false;
            }
            checkTogether(live.effective(overrides));
            store.remove(setting.key());
            audit.record(adminId, "SETTING_RESET", null, null, "Setting " + setting.key() + " reset to its default",
                    describe(setting, before), describe(setting, defaults.values().get(setting)) + " (default)");
            return true;
        });
        live.refreshQuietly(); // the commit is done: a failed read must not report it as failed
        return Boolean.TRUE.equals(removed);
    }

    private Map<Setting, Object> parse(Map<String, String> form) {
        Map<String, String> errors = new LinkedHashMap<>();
        Map<Setting, Object> values = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            String text = form.get(setting.key());
            if (text == null) {
                continue;
            }
            try {
                values.put(setting, SettingRules.parse(setting, text, defaults.minSize()));
            } catch (SettingRules.InvalidSettingException e) {
                errors.put(setting.key(), e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return values;
    }

    /** Rules between settings: a UPI ID needs a payee name (the one UPI links carry). */
    private static void checkTogether(Map<Setting, Object> values) {
        if (!((String) values.get(Setting.UPI_VPA)).isEmpty() && ((String) values.get(Setting.UPI_PAYEE_NAME)).isEmpty()) {
            throw new InvalidInputException(Map.of(Setting.UPI_PAYEE_NAME.key(),
                    "Enter the payee name: UPI needs one with a UPI ID."));
        }
    }

    private static String describe(Setting setting, Object value) {
        String text = SettingRules.format(value);
        return setting.key() + " = " + (text.isEmpty() ? "(empty)" : text);
    }

    /**
     * One setting as the page shows it.
     *
     * @param value the text of the value in force
     * @param defaultValue the text of the configured default
     * @param overridden whether an admin's value replaces the default
     */
    public record SettingView(Setting setting, String value, String defaultValue, boolean overridden) {
    }
}
