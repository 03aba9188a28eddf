package org.text2image.worker;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.PromptRun;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/** A {@link JobRunner} between the ComfyUI stand-in and a fake worker API, started and stopped around each test. */
abstract class JobRunnerTestBase {

    static final PromptRun.Timing FAST = new PromptRun.Timing(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofMillis(50), Duration.ofSeconds(2));

    ComfyUiStandIn comfyUi;
    FakeWorkerApi server;
    JobRunner runner;

    /** Time between heartbeats of the runner's attempts. */
    Duration heartbeatInterval() {
        return Duration.ofMillis(100);
    }

    @BeforeEach
    void startRunner() throws Exception {
        comfyUi = new ComfyUiStandIn().start();
        server = new FakeWorkerApi();
        runner = new JobRunner(new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                new WorkerApiClient(server.baseUrl(), FakeWorkerApi.TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(10)),
                "t2i-test-worker", heartbeatInterval(), FAST, Clock.systemUTC());
    }

    @AfterEach
    void stopRunner() {
        runner.close();
        server.close();
        comfyUi.close();
    }
}
