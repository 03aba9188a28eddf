package org.text2image.server.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.springframework.core.io.AbstractResource;
import org.text2image.server.storage.RemoteImageResource;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * An S3 object as a {@link org.springframework.core.io.Resource}: its size (from {@code HeadObject})
 * is known, its bytes are fetched only when read. {@link #getInputStream} is lazy: a {@code skip}
 * before the first read moves the start, so the object is then fetched from there by range (Spring's
 * multi-range responses skip to each range's start); {@link #openRange} fetches one range exactly.
 */
final class S3ObjectResource extends AbstractResource implements RemoteImageResource {

    private final S3ImageStore store;
    private final String key;
    private final long length;
    private final Instant lastModified;

    S3ObjectResource(S3ImageStore store, String key, long length, Instant lastModified) {
        this.store = store;
        this.key = key;
        this.length = length;
        this.lastModified = lastModified;
    }

    @Override
    public boolean exists() {
        return true;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public long lastModified() {
        return lastModified == null ? 0 : lastModified.toEpochMilli();
    }

    @Override
    public String getFilename() {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    @Override
    public String getDescription() {
        return "S3 object " + key + " in " + store.describe();
    }

    @Override
    public InputStream getInputStream() {
        return new LazyStream();
    }

    @Override
    public InputStream openRange(long first, long last) throws IOException {
        if (first < 0 || last < first || last >= length) {
            throw new IllegalArgumentException("Range " + first + "-" + last + " is outside " + length + " bytes");
        }
        return store.open(key, first, last);
    }

    @Override
    public Optional<URI> presignedDownload(String contentType, String contentDisposition) {
        return store.presignedDownload(key, contentType, contentDisposition);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof S3ObjectResource that && that.key.equals(key) && that.store == store;
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    /** Opens {@code GetObject} on the first read, from wherever skips before it moved to. */
    private final class LazyStream extends InputStream {

        private long position;
        private ResponseInputStream<?> in;

        @Override
        public int read() throws IOException {
            if (in == null && position >= length) {
                return -1;
            }
            int b = open().read();
            if (b >= 0) {
                position++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            if (in == null && position >= length) {
                return -1;
            }
            int n = open().read(buffer, offset, count);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            if (in != null) {
                long skipped = in.skip(n);
                position += skipped;
                return skipped;
            }
            long skipped = Math.max(0, Math.min(n, length - position));
            position += skipped;
            return skipped;
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                if (position < length) {
                    in.abort(); // don't download the rest only to throw it away
                }
                in.close();
            }
        }

        private InputStream open() throws IOException {
            if (in == null) {
                in = store.open(key, position, null);
            }
            return in;
        }
    }
}
