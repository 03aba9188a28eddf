package org.text2image.server.credits;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /credits}: the balance and the newest ledger entries. Buying credits is not built yet;
 * the page says so plainly.
 */
@Controller
class CreditsPageController {

    /** Ledger entries shown on the page. */
    static final int RECENT_ENTRIES = 25;

    private final CreditLedger ledger;

    CreditsPageController(CreditLedger ledger) {
        this.ledger = ledger;
    }

    /** The user id comes from the principal by expression, so the ledger stays free of the account feature. */
    @GetMapping("/credits")
    String credits(@AuthenticationPrincipal(expression = "id") long userId, Model model) {
        model.addAttribute("balance", ledger.balance(userId));
        model.addAttribute("entries", ledger.entries(userId, RECENT_ENTRIES));
        return "credits/credits";
    }
}
