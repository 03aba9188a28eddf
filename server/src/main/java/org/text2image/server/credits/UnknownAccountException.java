package org.text2image.server.credits;

/** A ledger command for a user that has no credit account. */
public class UnknownAccountException extends RuntimeException {

    public UnknownAccountException(long userId) {
        super("User " + userId + " has no credit account");
    }
}
