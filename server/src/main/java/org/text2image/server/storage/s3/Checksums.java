package org.text2image.server.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** MD5 digests, the checksum S3 uses for a single-part object's {@code ETag} and {@code Content-MD5}. */
final class Checksums {

    private Checksums() {
    }

    static byte[] md5(byte[] bytes) {
        return digest().digest(bytes);
    }

    /** The MD5 of a file, read in 64 KiB pieces. */
    static byte[] md5(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return md5(in);
        }
    }

    /** The MD5 of what remains in a stream, read in 64 KiB pieces (the stream is not closed). */
    static byte[] md5(InputStream in) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has MD5", e);
        }
    }
}
