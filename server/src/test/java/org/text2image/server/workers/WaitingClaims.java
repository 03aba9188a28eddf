package org.text2image.server.workers;

import org.springframework.context.ApplicationContext;

/** For tests outside this package: how many long-poll claims wait on a server instance. */
public final class WaitingClaims {

    private WaitingClaims() {
    }

    /** Claims waiting now on the instance of {@code context}. */
    public static int on(ApplicationContext context) {
        return context.getBean(ClaimWaiters.class).size();
    }
}
