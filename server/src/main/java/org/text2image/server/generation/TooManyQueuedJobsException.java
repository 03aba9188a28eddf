package org.text2image.server.generation;

import org.text2image.server.support.Plurals;

/** The user already has the most queued and running jobs allowed; nothing was written. */
public class TooManyQueuedJobsException extends RuntimeException {

    public TooManyQueuedJobsException(int limit) {
        super("You already have " + Plurals.count(limit, "job") + " waiting or running. Wait for one to finish, then try again.");
    }
}
