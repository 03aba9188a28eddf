package org.text2image.server.help;

import org.springframework.stereotype.Component;

/**
 * The operator's contact details shown beside the support chat and on the Help page
 * ({@code @supportContacts} in templates): the support email and the WhatsApp link.
 */
@Component("supportContacts")
public class SupportContacts {

    /** The support email, or "" when none is set. */
    public String email() {
        return "";
    }

    /** The WhatsApp link (such as {@code https://wa.me/919800000000}), or "" when none is set. */
    public String whatsappLink() {
        return "";
    }

    /** Whether any contact is set. */
    public boolean any() {
        return !email().isEmpty() || !whatsappLink().isEmpty();
    }
}
