package org.text2image.server.generation;

/**
 * Who is calling the worker API about a job. A token issued on the admin Workers page speaks for
 * the one worker name it was created for, and may only act on attempts leased to that name. The
 * configured token ({@code text2image.workers.token}, the embedded worker's) is the one exception:
 * it may use any worker name, so it is {@link #CONFIGURED}, with no name to check.
 *
 * @param name the worker name an issued token was created for; null for the configured token
 */
public record WorkerIdentity(String name) {

    /** The configured token: any worker name. */
    public static final WorkerIdentity CONFIGURED = new WorkerIdentity(null);

    /** An issued token, bound to {@code name}. */
    public static WorkerIdentity issuedTo(String name) {
        return new WorkerIdentity(name);
    }

    /** Whether this caller may act for the worker {@code workerName} (an attempt leased to it, a claim in its name). */
    public boolean mayActFor(String workerName) {
        return name == null || name.equals(workerName);
    }
}
