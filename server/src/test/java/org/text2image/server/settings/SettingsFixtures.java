package org.text2image.server.settings;

import org.text2image.server.support.TestDatabase;

/** Puts the live settings back to their configured defaults: no override in the table, the snapshot read again. */
final class SettingsFixtures {

    private SettingsFixtures() {
    }

    static void restoreDefaults(TestDatabase db, DatabaseLiveSettings live) {
        db.jdbc().sql("DELETE FROM app_setting").update();
        live.refresh();
    }
}
