package org.text2image.server.generation.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.text2image.server.generation.ImageContent;
import org.text2image.server.storage.RemoteImageResource;

/**
 * The response for an image the request may see. Images never change once stored, so the browser
 * may keep one for a year, privately, and the image id is a strong {@code ETag}: a matching
 * {@code If-None-Match} gets {@code 304} without a body. The body is the stored {@link Resource},
 * never the whole image in memory: Spring streams it and answers {@code Range} requests
 * ({@code 206}, or {@code 416} for a range outside the image); a whole local file of at least
 * {@value #SENDFILE_MIN_BYTES} bytes answering a {@code GET} goes out through Tomcat's sendfile
 * (zero copies), as Tomcat's own file servlet does. An image in S3 ({@link RemoteImageResource})
 * is streamed from the bucket, a single range fetched from it by that range alone; when the store
 * is set up for presigned downloads the (already authorised) request gets a {@code 302} to a
 * short-lived URL of the bucket instead, with {@code Cache-Control: no-store}.
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
        String rangeHeader = request.getHeader(HttpHeaders.RANGE);
        long sent = rangeHeader == null ? length : rangedBytes(rangeHeader, length);
        if (resource instanceof RemoteImageResource remote) {
            Optional<URI> presigned = remote.presignedDownload(image.contentType(),
                    download ? headers.getContentDisposition().toString() : null);
            if (presigned.isPresent()) {
                return ResponseEntity.status(HttpStatus.FOUND).location(presigned.get())
                        .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
            }
            String range = request.getHeader(HttpHeaders.RANGE);
            if (range != null) {
                Optional<ResponseEntity<Resource>> ranged = ranged(remote, range, length, headers);
                if (ranged.isPresent()) {
                    served.add(route, sent);
                    return ranged.get();
                }
            }
        }
        served.add(route, sent);
        if ("GET".equals(request.getMethod()) && request.getHeader(HttpHeaders.RANGE) == null && resource.isFile()
                && sendfile(request, file(resource), length)) {
            headers.setContentLength(length);
            return ResponseEntity.ok().headers(headers).build();
        }
        return ResponseEntity.ok().headers(headers).body(resource);
    }

    /**
     * The image bytes a {@code Range} request gets: the sum of its ranges' lengths within
     * {@code length} (RFC 9110 §14); 0 for a header Spring answers with {@code 416} or ignores.
     */
    private static long rangedBytes(String header, long length) {
        try {
            long bytes = 0;
            for (HttpRange range : HttpRange.parseRanges(header)) {
                bytes += range.getRangeEnd(length) - range.getRangeStart(length) + 1;
            }
            return bytes;
        } catch (IllegalArgumentException unsatisfiable) {
            return 0;
        }
    }

    /**
     * One range of a remote resource, fetched from the store by that range alone ({@code 206}), or
     * {@code 416} when it starts past the end; empty for several ranges or a header that is not a
     * byte range, which Spring answers as for any resource (RFC 9110 §14).
     */
    private static Optional<ResponseEntity<Resource>> ranged(RemoteImageResource remote, String header, long length,
                                                             HttpHeaders headers) {
        List<HttpRange> ranges;
        try {
            ranges = HttpRange.parseRanges(header);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ranges.size() != 1) {
            return Optional.empty();
        }
        long first;
        long last;
        try {
            first = ranges.getFirst().getRangeStart(length);
            last = ranges.getFirst().getRangeEnd(length);
        } catch (IllegalArgumentException e) {
            headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + length);
            return Optional.of(ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE).headers(headers).build());
        }
        if (first > last) {
            headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + length);
            return Optional.of(ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE).headers(headers).build());
        }
        headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + length);
        return Optional.of(ResponseEntity.status(HttpStatus.PARTIAL_CONTENT).headers(headers)
                .body(new RangeOf(remote, first, last)));
    }

    /** The bytes {@code first..last} of a remote resource, fetched only when written. */
    private static final class RangeOf extends AbstractResource {

        private final RemoteImageResource remote;
        private final long first;
        private final long last;

        RangeOf(RemoteImageResource remote, long first, long last) {
            this.remote = remote;
            this.first = first;
            this.last = last;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return remote.openRange(first, last);
        }

        @Override
        public long contentLength() {
            return last - first + 1;
        }

        @Override
        public boolean exists() {
            return true;
        }

        @Override
        public String getDescription() {
            return "bytes " + first + "-" + last + " of " + remote.getDescription();
        }

        @Override
        public boolean equals(Object other) {
            return other == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
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
