package org.text2image.server.generation;

/** Only queued and running jobs can be cancelled. */
public class JobNotCancellableException extends RuntimeException {

    public JobNotCancellableException(JobStatus status) {
        super("Only a queued or running job can be cancelled; this one is " + status.name().toLowerCase() + ".");
    }
}
