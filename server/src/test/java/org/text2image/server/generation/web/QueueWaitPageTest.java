package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;
import org.text2image.server.workers.TestWorkers;

/** The queued job's status line: its position and, once jobs have run, about how long it will wait. */
@PageTest
class QueueWaitPageTest {

    @Autowired MockMvc mvc;
    @Autowired WorkerAvailability workers;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void showsNoEstimateBeforeAnyJobHasRun() throws Exception {
        JobView job = submit();
        TestWorkers.report(workers, "gpu-1", false, List.of()); // a worker is seen, but nothing ran yet

        String html = statusFragment(job);
        assertThat(Html.textOf(html, "job-state")).isEqualTo("Queued — position 1");
        assertThat(html).doesNotContain("id=\"job-wait\"");
    }

    @Test
    void showsThePositionAndAboutHowLongTheWaitIs() throws Exception {
        JobView first = submit();
        TestWorkers.report(workers, "gpu-1", true, TestCatalog.CHECKPOINTS);
        LeasedJob running = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        clock.advance(Duration.ofSeconds(20));
        queue.complete(first.id(), running.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, first.id()));
        submit();
        JobView third = submit();

        String html = statusFragment(third);
        assertThat(Html.textOf(html, "job-state")).isEqualTo("Queued — position 2");
        assertThat(Html.textOf(html, "job-wait")).isEqualTo("· about 40 s");
    }

    private JobView submit() {
        return generation.submit(alice.id(), GenerationRequest.ofPrompt("a lighthouse at dusk"));
    }

    private String statusFragment(JobView job) throws Exception {
        return mvc.perform(get("/jobs/" + job.id() + "/status").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }
}
