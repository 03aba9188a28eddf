package org.text2image.worker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@code multipart/form-data} body (RFC 7578) for complete: a text part {@code attempt} and one
 * {@code image} part per file with its filename and Content-Type. Lines end in CRLF.
 */
final class Multipart {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final byte[] body;

    private Multipart(String boundary, byte[] body) {
        this.boundary = boundary;
        this.body = body;
    }

    static Multipart completion(String attemptPart, int attempt, String imagePart, List<ImageFile> images) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String boundary = "t2i-" + HexFormat.of().formatHex(random);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + attemptPart + "\"\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + attempt + "\r\n");
        for (ImageFile image : images) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + imagePart
                    + "\"; filename=\"" + quoted(image.name()) + "\"\r\nContent-Type: " + image.contentType() + "\r\n\r\n");
            out.writeBytes(image.bytes());
            write(out, "\r\n");
        }
        write(out, "--" + boundary + "--\r\n");
        return new Multipart(boundary, out.toByteArray());
    }

    /** Keeps a file name inside its quotes: no quote, backslash or line break survives. */
    private static String quoted(String name) {
        return name.replaceAll("[\"\\\\\r\n]", "_");
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] body() {
        return body;
    }
}
