package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.WorkerConfig;
import org.text2image.worker.WorkerLoop;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/** Four real workers against one server: every job done exactly once, none twice, a stopped worker's job finished by another. */
@IntegrationTest
class WorkerFleetEndToEndTest {

    private static final ComfyUiStandIn STAND_IN = new ComfyUiStandIn().start()
            .installedCheckpoints("v1-5-pruned-emaonly.safetensors");

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    final List<WorkerLoop> workers = new ArrayList<>();

    @BeforeEach
    void setUp() throws InterruptedException {
        assertThat(STAND_IN.awaitIdle(Duration.ofSeconds(10))).isTrue();
        db.clean();
        clock.reset();
    }

    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (WorkerLoop worker : workers) {
            worker.stopNow();
            assertThat(worker.awaitStopped(Duration.ofSeconds(20))).isTrue();
        }
        STAND_IN.runDuration(Duration.ZERO);
        assertThat(invariants.violations()).isEmpty();
    }

    @AfterAll
    static void closeStandIn() {
        STAND_IN.close();
    }

    @Test
    void fourWorkersRunEveryJobExactlyOnceEvenWhenOneStopsMidJob() throws Exception {
        STAND_IN.runDuration(Duration.ofMillis(400));
        List<Long> users = List.of(user("a"), user("b"), user("c"));
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            jobs.add(generation.submit(users.get(i % 3), GenerationRequest.ofPrompt("fleet job " + i)).id());
        }
        for (int i = 1; i <= 4; i++) {
            startWorker("gpu-" + i);
        }
        awaitRunningOn("gpu-1");
        workers.getFirst().stopNow(); // gpu-1 leaves in the middle of a job; it hands the attempt back

        Instant deadline = Instant.now().plusSeconds(60);
        while (count("SELECT count(*) FROM generation_job WHERE status = 'SUCCEEDED'") < jobs.size()
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(count("SELECT count(*) FROM generation_job WHERE status = 'SUCCEEDED'")).isEqualTo(jobs.size());
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'")).isEqualTo(jobs.size());
        assertThat(count("SELECT count(DISTINCT job_id) FROM job_image")).isEqualTo(jobs.size());
        assertThat(count("SELECT count(*) FROM job_image")).isEqualTo(jobs.size());
        assertThat(count("SELECT coalesce(sum(handbacks), 0) FROM generation_job")).as("gpu-1 handed its job back")
                .isGreaterThanOrEqualTo(1);
        assertThat(count("SELECT count(*) FROM generation_job WHERE attempt - handbacks <> 1"))
                .as("the stop used up no attempt").isZero();
        assertThat(count("SELECT count(DISTINCT worker_name) FROM generation_job WHERE worker_name IS NOT NULL"))
                .as("the work was spread over the workers").isGreaterThanOrEqualTo(2);
        for (long user : users) {
            assertThat(statements.balance(user)).isEqualTo(new Balance(16, 0)); // 4 jobs at 1 credit each
        }
    }

    private void awaitRunningOn(String worker) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        // Running for real: the worker has reported sampler progress in a heartbeat.
        while (count("SELECT count(*) FROM generation_job WHERE status = 'RUNNING' AND worker_name = ? AND progress_total > 0",
                        worker) == 0
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
    }

    private long user(String name) {
        return accounts.register(name + "@example.com", "correct horse").id();
    }

    private void startWorker(String name) {
        WorkerConfig config = WorkerConfig.of(URI.create("http://localhost:" + port), "test-worker-token",
                        STAND_IN.baseUrl(), name)
                .withIdleInterval(Duration.ofMillis(20))
                .withHeartbeatInterval(Duration.ofMillis(200))
                .withHealthCheckInterval(Duration.ofMillis(500));
        WorkerLoop loop = new WorkerLoop(config);
        workers.add(loop);
        Thread.ofPlatform().name("fleet-" + name).daemon(true).start(loop);
    }

    private long count(String sql, Object... params) {
        return db.jdbc().sql(sql).params(params).query(Long.class).single();
    }
}
