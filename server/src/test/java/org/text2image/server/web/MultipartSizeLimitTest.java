package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.text2image.server.support.IntegrationTest;

/**
 * The container's multipart limits were raised for videos in worker completions only: every other
 * multipart body keeps its old bound of 100 MB (with a declared length), refused before it is read.
 */
@IntegrationTest
class MultipartSizeLimitTest {

    @LocalServerPort int port;

    @Test
    void aMultipartBodyOverTheOldLimitOutsideTheWorkerCompletionIs413BeforeItIsSent() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    + "Content-Length: " + (MultipartSizeLimit.MAX_BYTES + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 413");
        }
    }

    @Test
    void onlyTheWorkerCompletionMayCarryMoreAndEveryOtherMultipartBodyNeedsALength() throws Exception {
        assertThat(status("/api/worker/v1/jobs/8d4f0a2e-0000-4000-8000-000000000001/complete", 500L * 1024 * 1024)).isEqualTo(200);
        assertThat(status("/api/worker/v1/jobs/x/complete", -1)).isEqualTo(200);
        assertThat(status("/generate", MultipartSizeLimit.MAX_BYTES)).isEqualTo(200);
        assertThat(status("/generate", MultipartSizeLimit.MAX_BYTES + 1)).isEqualTo(413);
        assertThat(status("/api/worker/v1/jobs/x/preview", MultipartSizeLimit.MAX_BYTES + 1)).isEqualTo(413);
        assertThat(status("/generate", -1)).isEqualTo(413);
    }

    /** What the filter answers a multipart POST of that length (-1: none); 200 when it lets the request through. */
    private static int status(String path, long length) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path) {
            @Override
            public long getContentLengthLong() {
                return length;
            }
        };
        request.setContentType("multipart/form-data; boundary=b");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        new MultipartSizeLimit.Filter().doFilter(request, response, chain);
        return chain.getRequest() != null ? 200 : response.getStatus();
    }
}
