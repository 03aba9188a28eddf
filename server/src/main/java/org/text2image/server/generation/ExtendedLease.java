package org.text2image.server.generation;

import java.time.Duration;

/**
 * The answer to a heartbeat that kept its lease.
 *
 * @param workerName the worker the attempt is leased to
 * @param leaseTimeout how long the lease now lasts without another heartbeat
 */
public record ExtendedLease(String workerName, Duration leaseTimeout) {
}
