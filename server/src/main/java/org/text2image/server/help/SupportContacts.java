package org.text2image.server.help;

import org.springframework.stereotype.Component;
import org.text2image.server.settings.LiveSettings;

/**
 * The operator's contact details shown beside the support chat and on the Help page
 * ({@code @supportContacts} in templates): the support email and the WhatsApp link of the live
 * settings, so a change on {@code /admin/settings} shows at once.
 */
@Component("supportContacts")
public class SupportContacts {

    private final LiveSettings settings;

    SupportContacts(LiveSettings settings) {
        this.settings = settings;
    }

    /** The support email, or "" when none is set. */
    public String email() {
        return settings.current().supportEmail();
    }

    /** The WhatsApp link (such as {@code https://wa.me/919800000000}), or "" when none is set. */
    public String whatsappLink() {
        return settings.current().whatsappLink();
    }

    /** Whether any contact is set. */
    public boolean any() {
        return !email().isEmpty() || !whatsappLink().isEmpty();
    }
}
