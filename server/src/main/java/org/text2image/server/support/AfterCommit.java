package org.text2image.server.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs a metric update once the caller's transaction has committed (at once without one), so a
 * counter counts only what the database kept. It can never fail the caller: registering or running
 * the update catches every exception and logs it at WARN — a metrics error must never fail a job or
 * a payment.
 */
public final class AfterCommit {

    private static final Logger log = LoggerFactory.getLogger(AfterCommit.class);

    private AfterCommit() {
    }

    /** Runs {@code update} after the current transaction commits (not at all if it rolls back). */
    public static void record(Runnable update) {
        try {
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        safely(update);
                    }
                });
            } else {
                safely(update);
            }
        } catch (RuntimeException e) {
            log.warn("Could not record a metric: {}", e.toString());
        }
    }

    private static void safely(Runnable update) {
        try {
            update.run();
        } catch (RuntimeException e) {
            log.warn("Could not record a metric: {}", e.toString());
        }
    }
}
