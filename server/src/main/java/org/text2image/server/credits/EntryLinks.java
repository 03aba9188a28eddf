package org.text2image.server.credits;

import java.util.List;
import java.util.Map;

/**
 * Links from the credit history to what caused an entry, given by the module that knows it (such
 * as a purchase's payment page for its grant): the ledger names no other module. Every bean of
 * this type is asked when the Credits page is shown.
 */
public interface EntryLinks {

    /**
     * For those of the user's entries this source knows, a link to their page.
     *
     * @param entries the entries shown, each with its idempotency key
     * @return entry id → link; entries not known are left out
     */
    Map<Long, Link> links(long userId, List<LedgerEntry> entries);

    /**
     * A link shown beside an entry.
     *
     * @param path the page, such as {@code /payments/K7QM2XH9PA}
     * @param label its text, such as "View payment"
     */
    record Link(String path, String label) {
    }
}
