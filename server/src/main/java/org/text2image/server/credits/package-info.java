/**
 * The credit ledger: the only code that moves credits. It depends on no other module; what it needs
 * from the rest of the application comes through its own interfaces and events.
 */
@ApplicationModule(allowedDependencies = {})
package org.text2image.server.credits;

import org.springframework.modulith.ApplicationModule;
