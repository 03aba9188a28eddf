package org.text2image.server.web;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.UnknownAccountException;

/**
 * The signed-in user's balance for the page header, read by the layout template as
 * {@code @headerBalance.of(#authentication)}. Read while rendering so that every page shows it,
 * including error pages and htmx fragments, without each controller adding it.
 */
@Component("headerBalance")
public class HeaderBalance {

    private final CreditLedger ledger;

    HeaderBalance(CreditLedger ledger) {
        this.ledger = ledger;
    }

    /** The user's balance, or null for an anonymous visitor or a user without a credit account. */
    public Balance of(Authentication authentication) {
        if (authentication == null || !(authentication.getPrincipal() instanceof SignedInUser user)) {
            return null;
        }
        try {
            return ledger.balance(user.id());
        } catch (UnknownAccountException e) {
            return null;
        }
    }
}
