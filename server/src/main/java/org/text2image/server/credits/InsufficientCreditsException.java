package org.text2image.server.credits;

/** A hold was refused: the user has fewer available credits than the price. Nothing was written. */
public class InsufficientCreditsException extends RuntimeException {

    private final long requiredCredits;
    private final long availableCredits;

    public InsufficientCreditsException(long requiredCredits, long availableCredits) {
        super("This costs " + Credits.format(requiredCredits) + " but you have " + availableCredits + " available.");
        this.requiredCredits = requiredCredits;
        this.availableCredits = availableCredits;
    }

    public long requiredCredits() {
        return requiredCredits;
    }

    public long availableCredits() {
        return availableCredits;
    }
}
