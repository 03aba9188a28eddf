package org.text2image.worker;

/**
 * HTTP 409 from heartbeat, complete or fail: this worker no longer holds the job's attempt (the
 * lease expired and the job was re-queued or finished elsewhere). Stop the attempt, upload nothing.
 */
public class StaleAttemptException extends WorkerApiException {

    public StaleAttemptException(String message) {
        super(message);
    }
}
