package org.text2image.server.api.web;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.text2image.server.api.ApiProblems;

/**
 * Caps what an API request's body may hold at {@link ApiProblems#MAX_BODY_BYTES}: a declared
 * {@code Content-Length} above it is refused before reading ({@link #declaredTooLarge}); a body
 * without one (chunked) is read through a stream that fails with {@link BodyTooLargeException}
 * past the cap, so a client cannot make the server buffer an endless body.
 */
final class BodyLimit extends HttpServletRequestWrapper {

    private final int max;
    private ServletInputStream stream;

    BodyLimit(HttpServletRequest request, int max) {
        super(request);
        this.max = max;
    }

    /** Whether the request declares a body longer than {@code max} bytes. */
    static boolean declaredTooLarge(HttpServletRequest request, int max) {
        return request.getContentLengthLong() > max;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (stream == null) {
            stream = new Capped(super.getInputStream(), max);
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    /** The body went past the cap. */
    static final class BodyTooLargeException extends IOException {

        BodyTooLargeException(int max) {
            super("The request body is larger than " + max + " bytes");
        }
    }

    private static final class Capped extends ServletInputStream {

        private final ServletInputStream in;
        private final int max;
        private long read;

        Capped(ServletInputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > max) {
                throw new BodyTooLargeException(max);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
