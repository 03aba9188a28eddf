package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.WorkerApiLimits;
import org.text2image.worker.comfyui.Preview;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/** What the worker sends the server stays within the worker API's limits. */
class ServerReporterTest {

    private FakeWorkerApi server;
    private WorkerApiClient client;
    private ServerReporter reporter;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWorkerApi();
        client = new WorkerApiClient(server.baseUrl(), FakeWorkerApi.TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(10));
        reporter = new ServerReporter(client);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void sendsNoPreviewLargerThanTheServerKeeps() {
        ClaimedJob job = Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow());

        reporter.preview(job, new Preview(1, new byte[WorkerApiLimits.MAX_PREVIEW_BYTES + 1]));
        reporter.preview(job, new Preview(1, new byte[WorkerApiLimits.MAX_PREVIEW_BYTES]));

        assertThat(server.previews()).extracting(sent -> sent.length).containsExactly(WorkerApiLimits.MAX_PREVIEW_BYTES);
    }

    @Test
    void sendsAFailReasonOnOneLineCutToTheLimit() {
        ClaimedJob job = Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow());

        reporter.fail(job, "first line\n  second line " + "x".repeat(2 * WorkerApiLimits.MAX_FAIL_REASON_CHARS), true);

        assertThat(server.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.request().reason()).hasSize(WorkerApiLimits.MAX_FAIL_REASON_CHARS)
                    .startsWith("first line second line xxx").endsWith("x…");
            assertThat(failure.request().retryable()).isTrue();
        });
    }
}
