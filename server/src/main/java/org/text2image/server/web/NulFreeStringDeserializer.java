package org.text2image.server.web;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Jackson's string deserializer, refusing text that contains NUL (U+0000, valid in JSON as the
 * escape backslash-u-0000): PostgreSQL cannot store it in a text column, so such a value would
 * fail only at its insert, as a 500 after other work was done. Refused while the body is read, it
 * is a 400 before anything runs ({@link ApiExceptionHandler} names the field). Registered for every
 * {@code String} the application's JSON mapper reads (records' fields, lists of strings) by
 * {@link NulCharacterRefusal}.
 */
public class NulFreeStringDeserializer extends StringDeserializer {

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
        String value = super.deserialize(p, ctxt);
        if (value != null && value.indexOf('\0') >= 0) {
            throw new NulInTextException(p);
        }
        return value;
    }

    /** A JSON string with a NUL character; Jackson adds the field's path (see {@code getPath()}). */
    public static final class NulInTextException extends MismatchedInputException {

        NulInTextException(JsonParser p) {
            super(p, "Text must not contain the NUL character (U+0000)", String.class);
        }

        /** The field as a JSON path without the root, such as {@code workerName} or {@code checkpoints[2]}. */
        public String field() {
            StringBuilder field = new StringBuilder();
            for (Reference reference : getPath()) {
                if (reference.getPropertyName() != null) {
                    field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
                } else if (reference.getIndex() >= 0) {
                    field.append('[').append(reference.getIndex()).append(']');
                }
            }
            return field.toString();
        }
    }
}
