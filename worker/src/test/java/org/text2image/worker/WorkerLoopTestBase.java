package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.text2image.worker.comfyui.PromptRun;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/** A {@link WorkerLoop} on its own thread, against the ComfyUI stand-in and a fake worker API; stopped after each test. */
abstract class WorkerLoopTestBase {

    static final Duration WAIT = Duration.ofSeconds(20);

    ComfyUiStandIn comfyUi;
    FakeWorkerApi server;
    WorkerLoop loop;
    Thread thread;

    @BeforeEach
    void start() throws Exception {
        comfyUi = new ComfyUiStandIn().start();
        server = new FakeWorkerApi();
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.stopNow();
            assertThat(loop.awaitStopped(WAIT)).isTrue();
        }
        server.close();
        comfyUi.close();
    }

    WorkerConfig config() {
        return WorkerConfig.of(server.baseUrl(), FakeWorkerApi.TOKEN, comfyUi.baseUrl(), "gpu-box-1")
                .withIdleInterval(Duration.ofMillis(50))
                .withHeartbeatInterval(Duration.ofMillis(100))
                .withHealthCheckInterval(Duration.ofMillis(50))
                .withMaxBackoff(Duration.ofMillis(200));
    }

    /** Two sd15 jobs waiting on the server, each taking {@code runTime} on ComfyUI. */
    void offerTwoSd15Jobs(Duration runTime) {
        comfyUi.runDuration(runTime);
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        server.offer(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.sd15Workflow(), "9", "first")));
        server.offer(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.sd15Workflow(), "9", "second")));
    }

    void startLoop() {
        loop = new WorkerLoop(config(), Clock.systemUTC(), new PromptRun.Timing(Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofSeconds(2)));
        thread = Thread.ofPlatform().name("worker-loop-test").start(loop);
    }
}
