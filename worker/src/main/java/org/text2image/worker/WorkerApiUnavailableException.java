package org.text2image.worker;

/** The server could not be reached, timed out or answered 5xx; the call may be retried. */
public class WorkerApiUnavailableException extends WorkerApiException {

    public WorkerApiUnavailableException(String message) {
        super(message);
    }

    public WorkerApiUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
