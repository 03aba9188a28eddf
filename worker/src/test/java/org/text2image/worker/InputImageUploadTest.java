package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.InputImage;
import org.text2image.worker.api.WorkerApi;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/** {@link InputImageUpload} against a ComfyUI that stores the upload under another name than asked. */
class InputImageUploadTest {

    private FakeWorkerApi server;
    private HttpServer comfyUi;
    private volatile String answer;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWorkerApi();
        comfyUi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        comfyUi.createContext("/upload/image", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        comfyUi.start();
    }

    @AfterEach
    void stop() {
        comfyUi.stop(0);
        server.close();
    }

    private InputImageUpload upload() {
        return new InputImageUpload(
                new WorkerApiClient(server.baseUrl(), FakeWorkerApi.TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(5)),
                new ComfyUiClient(URI.create("http://127.0.0.1:" + comfyUi.getAddress().getPort()), Duration.ofSeconds(2),
                        Duration.ofSeconds(5)));
    }

    private ClaimedJob job() {
        UUID jobId = UUID.randomUUID();
        server.inputImage(jobId, "image/png", ComfyUiFixtures.bytes("view.png"));
        return new ClaimedJob(jobId, 1, ComfyUiFixtures.modelFreeWorkflow(), jobId + "-1", 30, 60,
                new InputImage(jobId + "-1.png", WorkerApi.INPUT_SUBFOLDER, "image/png"));
    }

    @Test
    void anUploadComfyUiStoredUnderAnotherNameFailsTheAttemptForGood() {
        ClaimedJob job = job();
        answer = "{\"name\": \"" + job.jobId() + "-1 (1).png\", \"subfolder\": \"text2image\", \"type\": \"input\"}";

        assertThatThrownBy(() -> upload().upload(job)).isInstanceOfSatisfying(InputImageException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).isEqualTo("ComfyUI stored the input image as text2image/" + job.jobId()
                    + "-1 (1).png instead of text2image/" + job.jobId() + "-1.png");
        });
    }

    @Test
    void anUploadComfyUiStoredInAnotherSubfolderFailsTheAttemptForGood() {
        ClaimedJob job = job();
        answer = "{\"name\": \"" + job.jobId() + "-1.png\", \"subfolder\": \"\", \"type\": \"input\"}";

        assertThatThrownBy(() -> upload().upload(job)).isInstanceOf(InputImageException.class)
                .hasMessageContaining("instead of text2image/");
    }

    @Test
    void anUploadStoredAsAskedPasses() throws Exception {
        ClaimedJob job = job();
        answer = "{\"name\": \"" + job.jobId() + "-1.png\", \"subfolder\": \"text2image\", \"type\": \"input\"}";

        upload().upload(job);

        assertThat(server.events()).containsExactly("input-image " + job.jobId());
    }

    @Test
    void aJobWithoutAnInputImageAsksNobody() throws Exception {
        upload().upload(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));

        assertThat(server.requests()).isZero();
    }
}
