package org.text2image.server.generation;

/** The user already has the most queued and running jobs allowed; nothing was written. */
public class TooManyQueuedJobsException extends RuntimeException {

    public TooManyQueuedJobsException(int limit) {
        super("You already have " + limit + " jobs waiting or running. Wait for one to finish, then try again.");
    }
}
