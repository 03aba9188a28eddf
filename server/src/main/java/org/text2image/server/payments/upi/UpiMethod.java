package org.text2image.server.payments.upi;

import org.springframework.stereotype.Component;
import org.text2image.server.payments.Pack;
import org.text2image.server.payments.PaymentMethod;

/** UPI on the Buy credits page: offered for INR packs when a VPA is configured. */
@Component
class UpiMethod implements PaymentMethod {

    private final UpiPayee payee;

    UpiMethod(UpiPayee payee) {
        this.payee = payee;
    }

    @Override
    public String id() {
        return "upi";
    }

    @Override
    public String label() {
        return "Pay with UPI";
    }

    @Override
    public String description() {
        return "Any UPI app (Google Pay, PhonePe, Paytm, BHIM…); credits after a quick check of your payment.";
    }

    @Override
    public String formAction() {
        return "/payments/upi";
    }

    @Override
    public boolean offers(Pack pack) {
        return payee.current().enabled() && "INR".equals(pack.currency());
    }

    @Override
    public int order() {
        return 10;
    }
}
