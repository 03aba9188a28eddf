package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

@PageTest
class HistoryPageTest {

    @Autowired MockMvc mvc;
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

    @Test
    void emptyHistoryLinksToGenerate() throws Exception {
        String html = page("/history");
        assertThat(Html.text(html)).contains("No images yet.");
        assertThat(Html.attributeOf(html, "empty-generate", "href")).isEqualTo("/generate");
        assertThat(html).doesNotContain("id=\"next-page\"").doesNotContain("id=\"prev-page\"");
    }

    @Test
    void everyCardOffersToReuseItsSettings() throws Exception {
        JobView job = submit("a lighthouse at dusk");

        String html = page("/history");

        assertThat(Html.attributeOf(html, "reuse-" + job.id(), "href")).isEqualTo("/generate?from=" + job.id());
        assertThat(Html.textOf(html, "reuse-" + job.id())).isEqualTo("Re-use these settings");
    }

    @Test
    void listsJobsNewestFirstTwentyPerPageWithPaging() throws Exception {
        List<UUID> jobs = new ArrayList<>();
        for (int i = 1; i <= 21; i++) {
            JobView job = submit("job number " + i);
            generation.cancel(job.id(), alice.id()); // frees the hold and the queue slot for the next one
            jobs.add(job.id());
            clock.advance(Duration.ofSeconds(1));
        }

        String first = page("/history");
        assertThat(jobIds(first)).hasSize(20).first().isEqualTo(jobs.getLast().toString());
        assertThat(jobIds(first)).last().isEqualTo(jobs.get(1).toString());
        assertThat(Html.attributeOf(first, "next-page", "href")).isEqualTo("/history?page=2");
        assertThat(first).doesNotContain("id=\"prev-page\"");
        assertThat(Html.textOf(first, "page-info")).isEqualTo("Page 1 of 2");
        assertThat(Html.text(first)).contains("21 jobs, newest first.");

        String second = page("/history?page=2");
        assertThat(jobIds(second)).containsExactly(jobs.getFirst().toString());
        assertThat(Html.attributeOf(second, "prev-page", "href")).isEqualTo("/history?page=1");
        assertThat(second).doesNotContain("id=\"next-page\"");
        assertThat(Html.text(second)).contains("job number 1 ").contains("Stable Diffusion 1.5").contains("512×512")
                .contains("Cancelled");
    }

    @Test
    void showsTheFirstImageAsThumbnailAndLinksToTheJob() throws Exception {
        JobView job = submit("a red fox");
        UUID imageId = TestImages.complete(queue, generation, job, alice);
        String longPrompt = "a very long prompt ".repeat(10);
        submit(longPrompt);

        String html = page("/history");

        assertThat(html).contains("href=\"/jobs/" + job.id() + "\"")
                .containsPattern("<img class=\"history-thumb\"[^>]*src=\"/i/" + imageId + "/thumb\\?v=" + alice.id() + "&amp;exp=\\d+&amp;sig=[\\w-]+\"");
        assertThat(Html.text(html)).contains("Succeeded").contains("Queued").doesNotContain(longPrompt.strip());
        assertThat(Html.attributeOf(html, "nav-history", "aria-current")).isEqualTo("page");
    }

    @Test
    void activeJobsPollTheirItemUntilFinalSoTheBadgeUpdates() throws Exception {
        JobView done = submit("finished");
        TestImages.complete(queue, generation, done, alice);
        JobView running = submit("running");
        queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();

        String html = page("/history");
        assertThat(Html.tagOf(html, "history-job-" + done.id())).doesNotContain("hx-trigger");
        assertThat(Html.attributeOf(html, "history-job-" + running.id(), "hx-get"))
                .isEqualTo("/history/jobs/" + running.id());
        assertThat(Html.attributeOf(html, "history-job-" + running.id(), "hx-trigger")).isEqualTo("every 3s");
        assertThat(Html.text(page("/history/jobs/" + running.id()))).contains("Running");

        generation.cancel(running.id(), alice.id());
        String item = page("/history/jobs/" + running.id());
        assertThat(Html.text(item)).contains("Cancelled");
        assertThat(Html.tagOf(item, "history-job-" + running.id())).doesNotContain("hx-trigger");
        assertThat(item).doesNotContain("<html");

        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        mvc.perform(get("/history/jobs/" + running.id()).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/history/jobs/not-a-uuid").with(user(alice))).andExpect(status().isNotFound());
    }

    @Test
    void pageNumbersThatAreNotNumbersShowTheFirstPage() throws Exception {
        submit("only job");
        assertThat(Html.text(page("/history?page=abc"))).contains("only job");
        assertThat(Html.text(page("/history?page=-3"))).contains("only job");
    }

    private JobView submit(String prompt) {
        return generation.submit(alice.id(), GenerationRequest.ofPrompt(prompt));
    }

    private String page(String path) throws Exception {
        return mvc.perform(get(path).with(user(alice))).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private static List<String> jobIds(String html) {
        Matcher m = Pattern.compile("data-job-id=\"([0-9a-f-]{36})\"").matcher(html);
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}
