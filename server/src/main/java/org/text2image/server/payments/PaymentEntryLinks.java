package org.text2image.server.payments;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.text2image.server.credits.EntryKind;
import org.text2image.server.credits.EntryLinks;
import org.text2image.server.credits.LedgerEntry;

/** Links a purchase's grant in the credit history to its payment's page (by the grant's ledger key). */
@Component
class PaymentEntryLinks implements EntryLinks {

    private final PaymentRows rows;

    PaymentEntryLinks(PaymentRows rows) {
        this.rows = rows;
    }

    @Override
    public Map<Long, Link> links(long userId, List<LedgerEntry> entries) {
        Map<String, Long> grants = new HashMap<>();
        entries.stream().filter(entry -> entry.kind() == EntryKind.GRANT && entry.idempotencyKey() != null)
                .forEach(entry -> grants.put(entry.idempotencyKey(), entry.id()));
        Map<Long, Link> links = new HashMap<>();
        rows.referencesByGrantKey(userId, grants.keySet()).forEach((key, reference) ->
                links.put(grants.get(key), new Link("/payments/" + reference, "View payment " + reference)));
        return links;
    }
}
