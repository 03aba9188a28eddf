package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.text2image.server.account.AccountService;
import org.text2image.server.generation.JobNotFoundException;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;

/**
 * What the log says about errors, over real HTTP (so through the container's error page too): a
 * 404 — an unknown page, another user's or no job, an admin page for a user, an unknown API path, an
 * API's unknown job —
 * is no server problem and is logged at DEBUG only, never WARN; a 5xx of a page or of the API is
 * an ERROR with its stack trace.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class ErrorLoggingTest {

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;

    BrowserSession browser;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        accounts.register("alice@example.com", "correct horse");
        browser = new BrowserSession(port).signIn("alice@example.com", "correct horse");
    }

    @Test
    void notFoundIsNeverLoggedAsAWarning(CapturedOutput output) throws Exception {
        int before = output.getAll().length();
        List<String> paths = List.of("/no-such-page", "/jobs/" + UUID.randomUUID(), "/jobs/not-a-job",
                "/admin/workers", "/api/no-such-call", "/api/test/missing-job", "/css/no-such.css", "/error");
        for (String path : paths) {
            assertThat(browser.get(path).statusCode()).as(path).isEqualTo(404);
        }

        String logged = output.getAll().substring(before);
        assertThat(logged.lines().filter(line -> line.contains("WARN") || line.contains("ERROR")))
                .as("warnings and errors logged while answering 404s").isEmpty();
    }

    @Test
    void aServerErrorIsLoggedAsAnErrorWithItsStackTrace(CapturedOutput output) throws Exception {
        for (String path : List.of("/test/failing-page", "/api/test/failing-call")) {
            int before = output.getAll().length();

            HttpResponse<String> response = browser.get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(500);
            String logged = output.getAll().substring(before);
            assertThat(logged).as(path).contains("ERROR", "IllegalStateException: broken on purpose",
                    "at " + Failing.class.getName());
        }
    }

    @TestConfiguration
    @Import({Failing.class, FailingApi.class})
    static class Failures {
    }

    /** A page that fails. */
    @Controller
    static class Failing {
        @GetMapping("/test/failing-page")
        String fail() {
            throw new IllegalStateException("broken on purpose");
        }
    }

    /** An API call that fails, and one that finds no job. */
    @RestController
    static class FailingApi {
        @GetMapping("/api/test/missing-job")
        String missing() {
            throw new JobNotFoundException(UUID.randomUUID());
        }

        @GetMapping("/api/test/failing-call")
        String fail() {
            throw new IllegalStateException("broken on purpose");
        }
    }
}
