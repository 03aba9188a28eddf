package org.text2image.server.generation;

import java.util.UUID;

/**
 * A worker call about an attempt leased to another worker, made with a token issued for a
 * different worker name. Nothing was changed; the worker API answers 403.
 */
public class NotYourJobException extends RuntimeException {

    public NotYourJobException(UUID jobId, int attempt) {
        super("Attempt " + attempt + " of job " + jobId + " is leased to another worker; this token cannot act for it.");
    }
}
