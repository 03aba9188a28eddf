package org.text2image.server.generation;

/** Only queued jobs can be cancelled. */
public class JobNotCancellableException extends RuntimeException {

    public JobNotCancellableException(JobStatus status) {
        super("Only a queued job can be cancelled; this one is " + status.name().toLowerCase() + ".");
    }
}
