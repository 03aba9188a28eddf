package org.text2image.server.payments.stripe;

import org.springframework.stereotype.Component;
import org.text2image.server.payments.Pack;
import org.text2image.server.payments.PaymentMethod;

/** Stripe Checkout on the Buy credits page: offered for every pack when the Stripe keys are configured. */
@Component
class StripeMethod implements PaymentMethod {

    private final StripeProperties properties;

    StripeMethod(StripeProperties properties) {
        this.properties = properties;
    }

    @Override
    public String id() {
        return "stripe";
    }

    @Override
    public String label() {
        return "Pay by card";
    }

    @Override
    public String description() {
        return "Card, Apple Pay or Google Pay on Stripe's secure page; credits as soon as the payment is confirmed.";
    }

    @Override
    public String formAction() {
        return "/payments/stripe";
    }

    @Override
    public boolean offers(Pack pack) {
        return properties.enabled();
    }

    @Override
    public int order() {
        return 20;
    }
}
