package org.text2image.worker;

/** HTTP 401 or 403: the server refused the worker token (check {@code T2I_WORKER_TOKEN}). */
public class WorkerAuthException extends WorkerApiException {

    public WorkerAuthException(String message) {
        super(message);
    }
}
