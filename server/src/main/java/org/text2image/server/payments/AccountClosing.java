package org.text2image.server.payments;

import org.springframework.stereotype.Service;
import org.text2image.server.payments.stripe.StripeBillingException;
import org.text2image.server.payments.stripe.StripeSubscriptions;

/** What payments must settle before an account is deleted: a card subscription that would go on charging it. */
@Service
public class AccountClosing {

    private final StripeSubscriptions subscriptions;

    AccountClosing(StripeSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    /**
     * Cancels the user's card subscription at Stripe at once, if they have one.
     *
     * @throws IllegalStateException with a message for the admin when Stripe refused or could not be
     *     reached: the account must not be deleted yet
     */
    public void beforeDeletion(long userId) {
        try {
            subscriptions.cancelForDeletion(userId);
        } catch (StripeBillingException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
