package org.text2image.server.payments;

import java.nio.file.Path;

/** The packs file cannot be used; the server does not start. The message names the file. */
public class InvalidPacksException extends RuntimeException {

    public InvalidPacksException(Path file, String problem) {
        super("Packs file " + file + " " + problem);
    }
}
