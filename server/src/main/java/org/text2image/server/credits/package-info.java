/**
 * The credit ledger: the only code that moves credits. It depends on no other module but the
 * shared {@code support}; what it needs from the rest of the application comes through its own
 * interfaces (such as {@link org.text2image.server.credits.JobHolds}) and events.
 */
@ApplicationModule(allowedDependencies = {"support"})
package org.text2image.server.credits;

import org.springframework.modulith.ApplicationModule;
