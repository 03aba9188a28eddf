package org.text2image.server.generation.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.workers.TestWorkers;

/** Which job a claiming worker gets ({@link Dispatcher}), one test per part of the rule, on real PostgreSQL. */
@IntegrationTest
class DispatcherTest {

    static final String SD15 = "v1-5-pruned-emaonly.safetensors";
    static final String SDXL = "sd_xl_base_1.0.safetensors";

    @Autowired GenerationService generation;
    @Autowired WorkerAvailability workers;
    @Autowired JobQueue queue;
    @Autowired AccountService accounts;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;
    @Autowired LedgerInvariants invariants;

    long alice;
    long bob;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        alice = accounts.register("alice@example.com", "correct horse").id();
        bob = accounts.register("bob@example.com", "correct horse").id();
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aWorkerOnlyGetsJobsForCheckpointsItListsOrJobsThatNeedNone() {
        JobView sdxl = submit(alice, "sdxl");
        later();
        JobView sd15 = submit(alice, "sd15");
        later();
        JobView modelFree = submit(alice, "modelfree");
        later();
        JobView secondModelFree = submit(alice, "modelfree");

        assertThat(queue.claim("gpu-empty", List.of()).map(LeasedJob::jobId))
                .as("a worker whose ComfyUI lists no checkpoint runs only jobs that need none").hasValue(modelFree.id());
        assertThat(claim("gpu-sd15", SD15)).hasValue(sd15.id());
        assertThat(claim("gpu-sd15", SD15)).as("a job without a checkpoint suits every worker").hasValue(secondModelFree.id());
        assertThat(claim("gpu-sd15", SD15)).as("never the sdxl job").isEmpty();
        assertThat(queue.claim("gpu-empty", List.of())).as("never a job that needs a checkpoint").isEmpty();
        assertThat(claim("gpu-all")).hasValue(sdxl.id());
    }

    @Test
    void higherPriorityRunsFirst() {
        JobView first = submit(alice, "sd15");
        later();
        JobView urgent = submit(alice, "sd15");
        db.jdbc().sql("UPDATE generation_job SET priority = 5 WHERE id = ?").params(urgent.id()).update();

        assertThat(view(first).queuePosition()).isEqualTo(2);
        assertThat(view(urgent).queuePosition()).isEqualTo(1);
        assertThat(claim("gpu-1")).hasValue(urgent.id());
        assertThat(claim("gpu-2")).hasValue(first.id());
    }

    @Test
    void oneUsersManyJobsDoNotStarveAnotherUsersOne() {
        for (int i = 0; i < 5; i++) {
            submit(alice, "sd15");
            later();
        }
        JobView bobs = submit(bob, "sd15");

        assertThat(List.of(claim("gpu-1").orElseThrow(), claim("gpu-2").orElseThrow())).contains(bobs.id());
    }

    @Test
    void usersTakeTurnsWhenOneWorkerRunsOneJobAtATime() {
        List<UUID> alices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alices.add(submit(alice, "sd15").id());
            later();
        }
        JobView bobs = submit(bob, "sd15");

        assertThat(runNext("gpu-1")).isEqualTo(alices.get(0));
        assertThat(runNext("gpu-1")).as("Bob was never served; Alice just was").isEqualTo(bobs.id());
        assertThat(runNext("gpu-1")).isEqualTo(alices.get(1));
    }

    @Test
    void aWorkerPrefersTheCheckpointItRanLastWithinTheAgingThreshold() {
        JobView warmUp = submit(alice, "sdxl");
        assertThat(runNext("gpu-1")).isEqualTo(warmUp.id());
        later();
        JobView olderSd15 = submit(alice, "sd15");
        later();
        JobView newerSdxl = submit(alice, "sdxl");

        assertThat(claim("gpu-1")).hasValue(newerSdxl.id());
        assertThat(claim("gpu-1")).hasValue(olderSd15.id());
    }

    @Test
    void affinityNeverTakesAnotherUsersTurn() {
        JobView warmUp = submit(alice, "sdxl");
        assertThat(runNext("gpu-1")).isEqualTo(warmUp.id());
        JobView bobsSd15 = submit(bob, "sd15");
        later();
        submit(alice, "sdxl");

        assertThat(claim("gpu-1")).as("Bob has not been served; Alice has").hasValue(bobsSd15.id());
    }

    @Test
    void aJobWaitingPastTheAgingThresholdWinsOverAffinityAndFairShare() {
        JobView warmUp = submit(alice, "sdxl");
        assertThat(runNext("gpu-1")).isEqualTo(warmUp.id());
        JobView agedSd15 = submit(alice, "sd15");
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        // Bob was never served (fair share) and wants the checkpoint gpu-1 ran last (affinity).
        JobView bobsSdxl = submit(bob, "sdxl");

        assertThat(claim("gpu-1")).hasValue(agedSd15.id());
        assertThat(claim("gpu-1")).hasValue(bobsSdxl.id());
    }

    @Test
    void concurrentClaimsNeverShareAJob() throws Exception {
        List<UUID> submitted = new ArrayList<>();
        for (int user = 0; user < 4; user++) {
            long id = accounts.register("user" + user + "@example.com", "correct horse").id();
            for (int i = 0; i < 5; i++) {
                submitted.add(submit(id, i % 2 == 0 ? "sd15" : "sdxl").id());
            }
        }
        ConcurrentLinkedQueue<UUID> claimed = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int w = 0; w < 8; w++) {
                String name = "gpu-" + w;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (Optional<UUID> job = claim(name); job.isPresent(); job = claim(name)) {
                        claimed.add(job.get());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(claimed).hasSize(20).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(submitted);
    }

    @Test
    void theWaitIsEstimatedFromRecentRunTimesAndOnlineWorkers() {
        JobView first = submit(alice, "sd15");
        assertThat(view(first).estimatedWaitSeconds()).as("no history yet").isNull();
        TestWorkers.report(workers, "gpu-1", true, TestCatalog.CHECKPOINTS);
        LeasedJob running = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        clock.advance(Duration.ofSeconds(20));
        queue.complete(running.jobId(), running.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, running.jobId()));

        JobView second = submit(alice, "sd15");
        later();
        JobView third = submit(alice, "sd15");
        assertThat(view(second).estimatedWaitSeconds()).isEqualTo(20);
        assertThat(view(third).queuePosition()).isEqualTo(2);
        assertThat(view(third).estimatedWaitSeconds()).isEqualTo(40);
        assertThat(view(third).estimatedWait()).isEqualTo("about 40 s");

        clock.advance(Duration.ofMinutes(1));
        assertThat(view(third).estimatedWaitSeconds()).as("no worker online").isNull();
    }

    private JobView submit(long user, String model) {
        return generation.submit(user, GenerationRequest.of(model, "a lighthouse at dusk"));
    }

    /** The job the worker gets, if any; a worker named with no checkpoints has every test model's. */
    private Optional<UUID> claim(String worker, String... checkpoints) {
        return queue.claim(worker, checkpoints.length == 0 ? TestCatalog.CHECKPOINTS : List.of(checkpoints))
                .map(LeasedJob::jobId);
    }

    /** Claims the next job for {@code worker} and completes it, as one worker running one job at a time. */
    private UUID runNext(String worker) {
        LeasedJob job = queue.claim(worker, TestCatalog.CHECKPOINTS).orElseThrow();
        later();
        queue.complete(job.jobId(), job.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.jobId()));
        return job.jobId();
    }

    /** Moves the clock a little, so that the next row is strictly later. */
    private void later() {
        clock.advance(Duration.ofMillis(10));
    }

    private JobView view(JobView job) {
        return generation.find(job.id(), new Viewer(job.userId(), false)).orElseThrow();
    }
}
