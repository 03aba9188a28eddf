package org.text2image.server.settings;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The only code that touches {@code app_setting} (migration V20): the admins' overrides, by setting name. */
@Repository
class SettingsStore {

    /** The advisory lock that makes saves one at a time, so each audit row's "before" is what it replaced. */
    private static final long WRITE_LOCK = 0x7365_7474_696e_6773L; // "settings"

    private final JdbcClient jdbc;

    SettingsStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Setting name → stored text, for the settings that are overridden. */
    Map<String, String> overrides() {
        Map<String, String> rows = new LinkedHashMap<>();
        jdbc.sql("SELECT name, value FROM app_setting ORDER BY name")
                .query(rs -> {
                    rows.put(rs.getString("name"), rs.getString("value"));
                });
        return rows;
    }

    /** Waits for, and holds until the transaction ends, the lock of writers. */
    void lockForWrite() {
        jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(WRITE_LOCK).query(Object.class).single();
    }

    void put(String name, String value, long adminId, Instant at) {
        jdbc.sql("""
                INSERT INTO app_setting (name, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by,
                                                 updated_at = EXCLUDED.updated_at""")
                .params(name, value, adminId, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)).update();
    }

    /** @return whether there was an override to remove */
    boolean remove(String name) {
        return jdbc.sql("DELETE FROM app_setting WHERE name = ?").param(name).update() == 1;
    }
}
