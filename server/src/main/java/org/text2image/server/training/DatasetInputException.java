package org.text2image.server.training;

/**
 * Bad input for a dataset (a name, trigger word, image or caption the rules refuse); nothing was
 * stored. The page shows {@link #getMessage()} beside the form field {@link #field()}.
 */
public class DatasetInputException extends RuntimeException {

    private final String field;

    /**
     * @param field the form field the message belongs beside ({@code name}, {@code triggerWord},
     *     {@code images}, {@code caption})
     * @param message the user's message, plain text
     */
    public DatasetInputException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The form field the message belongs beside. */
    public String field() {
        return field;
    }
}
