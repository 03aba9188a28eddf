package org.text2image.server.catalog;

import java.nio.file.Path;

/** The models file cannot be used; the server does not start. The message names the file. */
public class InvalidModelCatalogException extends RuntimeException {

    public InvalidModelCatalogException(Path file, String problem) {
        super("Models file " + file + " " + problem);
    }
}
