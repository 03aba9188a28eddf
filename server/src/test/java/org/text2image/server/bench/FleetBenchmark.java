package org.text2image.server.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.WorkerConfig;
import org.text2image.worker.WorkerLoop;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/**
 * Fleet benchmark (issue 3): four workers with default settings, each on its own ComfyUI stand-in
 * taking a fixed 1 s per image, against one server on the embedded PostgreSQL. After 40 warm-up
 * jobs (not measured): 50 single jobs at random moments for latency, then 40 at once for
 * throughput. Prints a table;
 * figures go to docs/BENCHMARKS.md. Not part of the test suite (surefire excludes *Benchmark);
 * run it with {@code bench/fleet.sh}.
 */
@IntegrationTest
@TestPropertySource(properties = "text2image.generation.max-queued-jobs-per-user=100")
class FleetBenchmark {

    private static final int WORKERS = 4;
    private static final int BURST_JOBS = 40;
    private static final int WARM_UP_JOBS = 40;
    private static final int LATENCY_SAMPLES = 50;
    private static final Duration IMAGE_TIME = Duration.ofSeconds(1);

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;
    @Autowired CreditLedger ledger;

    @Test
    void fleetThroughputAndLatency() throws Exception {
        db.clean();
        List<ComfyUiStandIn> standIns = new ArrayList<>();
        List<WorkerLoop> workers = new ArrayList<>();
        try {
            for (int i = 0; i < WORKERS; i++) {
                ComfyUiStandIn standIn = new ComfyUiStandIn().start().installedCheckpoints("v1-5-pruned-emaonly.safetensors");
                standIn.runDuration(IMAGE_TIME);
                standIns.add(standIn);
                WorkerLoop loop = new WorkerLoop(WorkerConfig.of(URI.create("http://localhost:" + port),
                        "test-worker-token", standIn.baseUrl(), "bench-" + i));
                workers.add(loop);
                Thread.ofPlatform().name("bench-" + i).daemon(true).start(loop);
            }
            long user = accounts.register("bench@example.com", "correct horse").id();
            ledger.grant(user, 99_980, "bench-grant", "benchmark credits");
            Thread.sleep(3000); // workers start: health checks, first claims
            // Warm-up, not measured: the JVM compiles the hot paths (as on a server that has run a while).
            for (int i = 0; i < WARM_UP_JOBS; i++) {
                generation.submit(user, GenerationRequest.ofPrompt("warm-up " + i));
            }
            awaitSucceeded(WARM_UP_JOBS);
            Thread.sleep(1000);

            List<Double> latencyMs = new ArrayList<>();
            List<Double> overheadMs = new ArrayList<>();
            for (int i = 0; i < LATENCY_SAMPLES; i++) {
                var job = generation.submit(user, GenerationRequest.ofPrompt("latency " + i));
                awaitSucceeded(WARM_UP_JOBS + 1 + i);
                var row = db.jdbc().sql("""
                        SELECT extract(epoch FROM attempt_started_at - created_at) * 1000 AS claim_ms,
                               extract(epoch FROM finished_at - created_at) * 1000 AS total_ms
                        FROM generation_job WHERE id = ?""").params(job.id())
                        .query((rs, n) -> new double[] {rs.getDouble("claim_ms"), rs.getDouble("total_ms")}).single();
                latencyMs.add(row[0]);
                overheadMs.add(row[1] - IMAGE_TIME.toMillis());
                Thread.sleep(ThreadLocalRandom.current().nextLong(200, 1200)); // land at random points of the idle poll
            }

            Instant start = Instant.now();
            for (int i = 0; i < BURST_JOBS; i++) {
                generation.submit(user, GenerationRequest.ofPrompt("burst " + i));
            }
            awaitSucceeded(WARM_UP_JOBS + LATENCY_SAMPLES + BURST_JOBS);
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;

            String table = String.join("\n",
                    "| measure (4 workers, stand-in 1 s per image) | value | target |",
                    "|---|---|---|",
                    String.format(Locale.ROOT, "| throughput, %d jobs at once | %.2f images/s (ideal 4.00) | >= 3.9 |",
                            BURST_JOBS, BURST_JOBS / seconds),
                    String.format(Locale.ROOT, "| submit-to-claim, idle worker, p50 / p99 (%d samples) | %.0f / %.0f ms | p50 <= 20 ms |",
                            LATENCY_SAMPLES, percentile(latencyMs, 50), percentile(latencyMs, 99)),
                    String.format(Locale.ROOT, "| platform overhead per job (end to end - 1 s), p50 / p99 | %.0f / %.0f ms | p50 <= 25 ms |",
                            percentile(overheadMs, 50), percentile(overheadMs, 99)));
            System.out.println(table);
            Path out = Path.of("target", "benchmarks", "fleet.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table + "\n");
        } finally {
            for (WorkerLoop worker : workers) {
                worker.stopNow();
                worker.awaitStopped(Duration.ofSeconds(20));
            }
            standIns.forEach(ComfyUiStandIn::close);
        }
    }

    private void awaitSucceeded(int count) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(300);
        while (db.jdbc().sql("SELECT count(*) FROM generation_job WHERE status = 'SUCCEEDED'").query(Long.class).single() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("jobs did not finish in time");
            }
            Thread.sleep(5);
        }
    }

    private static double percentile(List<Double> values, int percentile) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.clamp(index, 0, sorted.size() - 1));
    }
}
