package org.text2image.server.credits;

/** A capture or release of a hold that is unknown or was already captured or released. */
public class HoldAlreadyResolvedException extends RuntimeException {

    public HoldAlreadyResolvedException(long holdId) {
        super("Hold " + holdId + " is unknown or already resolved");
    }
}
