package org.text2image.server.web;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.UnknownAccountException;
import org.text2image.server.notifications.LowBalanceWarnings;

/**
 * The signed-in user's balance for the page header, read by the layout template as
 * {@code @headerBalance.of(#authentication)}, and whether it is low enough for the low-balance
 * banner ({@code @headerBalance.isLow(balance)}). Read while rendering so that every page shows it,
 * including error pages and htmx fragments, without each controller adding it.
 */
@Component("headerBalance")
public class HeaderBalance {

    private final CreditStatements statements;
    private final LowBalanceWarnings lowBalance;

    HeaderBalance(CreditStatements statements, LowBalanceWarnings lowBalance) {
        this.statements = statements;
        this.lowBalance = lowBalance;
    }

    /** The user's balance, or null for an anonymous visitor or a user without a credit account. */
    public Balance of(Authentication authentication) {
        if (authentication == null || !(authentication.getPrincipal() instanceof SignedInUser user)) {
            return null;
        }
        try {
            return statements.balance(user.id());
        } catch (UnknownAccountException e) {
            return null;
        }
    }

    /** Whether the balance's available credits are below the live low-balance threshold ({@code LowBalanceWarnings}). */
    public boolean isLow(Balance balance) {
        return lowBalance.isLow(balance.availableCredits());
    }
}
