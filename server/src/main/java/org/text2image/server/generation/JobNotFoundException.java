package org.text2image.server.generation;

import java.util.UUID;

/** No such job, or not one the caller may see (the two are not told apart, so ids leak nothing). */
public class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(UUID jobId) {
        super("No job " + jobId);
    }
}
