package org.text2image.server.generation.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.text2image.server.generation.ImageContent;

/**
 * The response for an image the request may see. Images never change once stored, so the browser
 * may keep one for a year, privately, and the image id is a strong {@code ETag}: a matching
 * {@code If-None-Match} gets {@code 304} without a body. The body is the stored {@link Resource},
 * never the whole image in memory: Spring streams it and answers {@code Range} requests
 * ({@code 206}, or {@code 416} for a range outside the image); a whole local file of at least
 * {@value #SENDFILE_MIN_BYTES} bytes answering a {@code GET} goes out through Tomcat's sendfile
 * (zero copies), as Tomcat's own file servlet does.
 */
final class ImageResponses {

    /** Images never change once stored: one year, browser only (not shared caches). */
    static final String CACHE_CONTROL = "private, max-age=31536000, immutable";

    /** Smaller files are cheaper to copy than to hand to sendfile (Tomcat's DefaultServlet uses the same size). */
    static final long SENDFILE_MIN_BYTES = 48 * 1024;

    /** Tomcat's request attributes for sendfile ({@code org.apache.coyote.Constants}). */
    private static final String SENDFILE_SUPPORTED = "org.apache.tomcat.sendfile.support";
    private static final String SENDFILE_FILE = "org.apache.tomcat.sendfile.filename";
    private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
    private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";

    private ImageResponses() {
    }

    /**
     * The response for {@code image}.
     *
     * @param tag what makes this representation unique among images (the image id; id + "-thumb" for a thumbnail)
     * @param download whether to ask the browser to save the image under its file name
     * @param served counts the bytes of a whole-image {@code 200} under {@code route}
     */
    static ResponseEntity<Resource> of(ImageContent image, String tag, boolean download, HttpServletRequest request,
                                       ImageBytesServed served, ImageBytesServed.Route route) {
        String etag = "\"" + tag + "\"";
        HttpHeaders headers = new HttpHeaders();
        headers.setETag(etag);
        headers.setCacheControl(CACHE_CONTROL);
        headers.set("X-Content-Type-Options", "nosniff");
        if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).headers(headers).build();
        }
        headers.setContentType(MediaType.parseMediaType(image.contentType()));
        headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
        if (download) {
            headers.setContentDisposition(ContentDisposition.attachment().filename(image.fileName()).build());
        }
        Resource resource = image.resource();
        long length = contentLength(resource);
        if (request.getHeader(HttpHeaders.RANGE) == null) {
            served.add(route, length);
        }
        if ("GET".equals(request.getMethod()) && request.getHeader(HttpHeaders.RANGE) == null && resource.isFile()
                && sendfile(request, file(resource), length)) {
            headers.setContentLength(length);
            return ResponseEntity.ok().headers(headers).build();
        }
        return ResponseEntity.ok().headers(headers).body(resource);
    }

    /**
     * Hands a whole file of {@code length} bytes to Tomcat's sendfile when it is at least
     * {@value #SENDFILE_MIN_BYTES} bytes and the connector offers sendfile; the caller then writes
     * no body. Returns whether it did.
     */
    static boolean sendfile(HttpServletRequest request, File file, long length) {
        if (length < SENDFILE_MIN_BYTES || !Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORTED))) {
            return false;
        }
        request.setAttribute(SENDFILE_FILE, file.getAbsolutePath());
        request.setAttribute(SENDFILE_START, 0L);
        request.setAttribute(SENDFILE_END, length);
        return true;
    }

    /** {@code If-None-Match}: {@code *} or a list of tags; weak tags match too (RFC 9110 §13.1.2 uses the weak comparison). */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static long contentLength(Resource resource) {
        try {
            return resource.contentLength();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the size of " + resource, e);
        }
    }

    private static File file(Resource resource) {
        try {
            return resource.getFile();
        } catch (IOException e) {
            throw new UncheckedIOException("Not a file: " + resource, e);
        }
    }
}
