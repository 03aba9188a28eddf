package org.text2image.server.plans;

import java.nio.file.Path;

/** The plans file cannot be used; the server does not start. The message names the file. */
public class InvalidPlansException extends RuntimeException {

    public InvalidPlansException(Path file, String problem) {
        super("Plans file " + file + " " + problem);
    }
}
