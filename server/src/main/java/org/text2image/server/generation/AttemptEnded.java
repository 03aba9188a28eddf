package org.text2image.server.generation;

import java.util.UUID;

/**
 * Published inside the transaction that ends a worker's attempt with a result: it succeeded, or it
 * failed (the job then went back to the queue or failed for good). Hand-backs and cancels are not
 * attempt results and publish nothing. The workers module counts jobs done and failed per worker
 * from it.
 *
 * @param workerName the worker the attempt was leased to
 * @param succeeded whether the attempt stored its images
 */
public record AttemptEnded(UUID jobId, int attempt, String workerName, boolean succeeded) {
}
