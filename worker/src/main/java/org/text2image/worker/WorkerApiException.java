package org.text2image.worker;

/**
 * The server's worker API answered something unexpected (a 4xx other than 401 and 409). The
 * subclasses name the cases the worker handles: {@link WorkerApiUnavailableException},
 * {@link StaleAttemptException} and {@link WorkerAuthException}.
 */
public class WorkerApiException extends RuntimeException {

    public WorkerApiException(String message) {
        super(message);
    }

    public WorkerApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
