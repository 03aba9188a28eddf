package org.text2image.server.payments.stripe;

/**
 * A Billing page action that Stripe refused, could not finish, or could not be reached for; its
 * message is for the user. Nothing changed at the site.
 */
public class StripeBillingException extends RuntimeException {

    StripeBillingException(String userMessage, Throwable cause) {
        super(userMessage, cause);
    }
}
