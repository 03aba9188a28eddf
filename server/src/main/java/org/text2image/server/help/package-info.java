/**
 * Help and support: the Help page with the site's current numbers, the support chat between a user
 * and the operator ({@code chat}: its rows, live streams and reply mails), the privacy and terms
 * pages ({@code pages}) and the pages of both sides ({@code web}). The base package is what other
 * modules use: {@link org.text2image.server.help.SupportChat} (account deletion forgets a user's conversation).
 */
@ApplicationModule(allowedDependencies = {"account", "catalog", "credits", "generation", "notifications", "payments",
        "pricing", "settings", "support"})
package org.text2image.server.help;

import org.springframework.modulith.ApplicationModule;
