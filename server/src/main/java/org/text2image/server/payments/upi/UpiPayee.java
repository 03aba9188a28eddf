package org.text2image.server.payments.upi;

import org.springframework.stereotype.Component;
import org.text2image.server.payments.PaymentsProperties;
import org.text2image.server.settings.LiveSettings;
import org.text2image.server.settings.Settings;

/**
 * The UPI settings in force: the payee (VPA and name) from the live settings, which an admin may
 * change on {@code /admin/settings} (defaults {@code text2image.payments.upi.vpa} and
 * {@code payee-name}), with the note template and request expiry of the configuration. UPI is
 * offered only while a VPA is set.
 */
@Component
public class UpiPayee {

    private final PaymentsProperties properties;
    private final LiveSettings settings;

    UpiPayee(PaymentsProperties properties, LiveSettings settings) {
        this.properties = properties;
        this.settings = settings;
    }

    /** The UPI settings in force now; read again on each use. */
    public PaymentsProperties.Upi current() {
        Settings live = settings.current();
        // The settings module validates the pair as PaymentsProperties.Upi does, so this cannot throw.
        return properties.upi().withPayee(live.upiVpa(), live.upiPayeeName());
    }
}
