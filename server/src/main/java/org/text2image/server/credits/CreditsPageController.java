package org.text2image.server.credits;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.text2image.server.account.SignedInUser;

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

    @GetMapping("/credits")
    String credits(@AuthenticationPrincipal SignedInUser user, Model model) {
        model.addAttribute("balance", ledger.balance(user.id()));
        model.addAttribute("entries", ledger.entries(user.id(), RECENT_ENTRIES));
        return "credits/credits";
    }
}
