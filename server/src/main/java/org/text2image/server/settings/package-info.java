/**
 * Live settings: values an admin changes on {@code /admin/settings} that take effect at once on
 * every server instance ({@link org.text2image.server.settings.LiveSettings}), with defaults from
 * the configuration. Generation, accounts, payments, notifications and the pages read them; this
 * module uses only the audit log ({@code credits}) and {@code support}, so none of them is a cycle.
 */
@ApplicationModule(allowedDependencies = {"credits", "support"})
package org.text2image.server.settings;

import org.springframework.modulith.ApplicationModule;
