package org.text2image.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import org.springframework.core.io.Resource;

/**
 * Stored bytes that live in a remote store (S3): not a file, so they cannot go out by sendfile,
 * but a byte range can be fetched without the rest, and the browser may be sent to the store itself.
 * {@link #contentLength()} is known without reading.
 */
public interface RemoteImageResource extends Resource {

    /**
     * The bytes {@code first..last} (both inclusive, 0-based), fetched from the store by range.
     *
     * @throws IOException when the store cannot be read
     */
    InputStream openRange(long first, long last) throws IOException;

    /**
     * A short-lived URL at the store that serves the bytes to whoever has it, when the store is set
     * up for presigned downloads; empty otherwise. Call it only for an authorised request.
     *
     * @param contentType the {@code Content-Type} the store should answer with
     * @param contentDisposition the {@code Content-Disposition} it should answer with, or null for none
     */
    Optional<URI> presignedDownload(String contentType, String contentDisposition);
}
