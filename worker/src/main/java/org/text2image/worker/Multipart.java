package org.text2image.worker;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@code multipart/form-data} body (RFC 7578) for complete: a text part {@code attempt} and one
 * {@code image} part per file with its filename and Content-Type. Lines end in CRLF. A file held
 * on disk ({@link ImageFile#file()}) is streamed from it when the body is sent, never read whole.
 */
final class Multipart {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final List<HttpRequest.BodyPublisher> pieces;

    private Multipart(String boundary, List<HttpRequest.BodyPublisher> pieces) {
        this.boundary = boundary;
        this.pieces = pieces;
    }

    static Multipart completion(String attemptPart, int attempt, String imagePart, List<ImageFile> images) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String boundary = "t2i-" + HexFormat.of().formatHex(random);
        List<HttpRequest.BodyPublisher> pieces = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + attemptPart + "\"\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + attempt + "\r\n");
        for (ImageFile image : images) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + imagePart
                    + "\"; filename=\"" + quoted(image.name()) + "\"\r\nContent-Type: " + image.contentType() + "\r\n\r\n");
            if (image.inMemory()) {
                out.writeBytes(image.bytes());
            } else {
                pieces.add(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()));
                out.reset();
                pieces.add(ofFile(image));
            }
            write(out, "\r\n");
        }
        write(out, "--" + boundary + "--\r\n");
        pieces.add(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()));
        return new Multipart(boundary, List.copyOf(pieces));
    }

    private static HttpRequest.BodyPublisher ofFile(ImageFile image) {
        try {
            return HttpRequest.BodyPublishers.ofFile(image.file().orElseThrow());
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException(e);
        }
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

    /** The body, its length known up front (files streamed from disk when sent; it can be sent again on a retry). */
    HttpRequest.BodyPublisher body() {
        return pieces.size() == 1 ? pieces.getFirst()
                : HttpRequest.BodyPublishers.concat(pieces.toArray(HttpRequest.BodyPublisher[]::new));
    }
}
