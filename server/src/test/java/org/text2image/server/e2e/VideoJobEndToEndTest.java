package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.JobImage;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.web.Html;

/**
 * A video job end to end, with the embedded worker and the ComfyUI stand-in running the model-free
 * video workflows of {@code models-video.json} (EmptyImage frames → CreateVideo → SaveVideo, or →
 * SaveWEBM; each with a SaveImage poster of the first frame): submitted from the Generate form,
 * the video stored with its poster, served whole and by ranges (206) to its owner only, shown in
 * history with a play mark, and charged once.
 */
@TestPropertySource(properties = {
        "text2image.catalog.models-file=src/test/resources/config/models-with-video.json",
        "text2image.accounts.signup-credits=1000"
})
class VideoJobEndToEndTest extends EndToEndTestBase {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;

    @AfterEach
    void booksBalance() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void anMp4VideoIsStoredWithItsPosterServedByRangesShownInHistoryAndChargedOnce() throws Exception {
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        UUID jobId = submit(alice, "video-mp4", "13");

        JobView done = awaitJob(jobId, alice.id(), job -> job.status().isFinal());

        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.images()).hasSize(1);
        JobImage video = done.images().getFirst();
        assertThat(video.contentType()).isEqualTo("video/mp4");
        assertThat(video.hasPoster()).isTrue();
        byte[] whole = mvc.perform(get("/images/" + video.id()).with(user(alice)))
                .andExpect(status().isOk()).andExpect(header().string("Content-Type", "video/mp4"))
                .andExpect(header().string("Accept-Ranges", "bytes"))
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(new String(whole, 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        byte[] range = mvc.perform(get("/images/" + video.id()).with(user(alice)).header("Range", "bytes=100-299"))
                .andExpect(status().isPartialContent())
                .andExpect(header().string("Content-Range", "bytes 100-299/" + whole.length))
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(range).isEqualTo(Arrays.copyOfRange(whole, 100, 300));

        byte[] poster = mvc.perform(get("/images/" + video.id() + "/poster").with(user(alice)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray();
        BufferedImage first = ImageIO.read(new ByteArrayInputStream(poster));
        assertThat(first.getWidth()).isEqualTo(64);
        assertThat(first.getHeight()).isEqualTo(64);

        String history = mvc.perform(get("/history").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(history, "play-" + jobId)).isEqualTo("▶");
        String page = mvc.perform(get("/jobs/" + jobId).with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.attributeOf(page, "job-video", "poster")).contains(video.id() + "/poster");
        assertThat(Html.textOf(page, "job-video-length")).isEqualTo("13 frames at 8 fps · 1.6 s");

        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE' AND job_id = ?", jobId)).isEqualTo(1);
        assertThat(statements.balance(alice.id()).availableCredits()).isEqualTo(1000 - 40);

        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        mvc.perform(get("/images/" + video.id()).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/images/" + video.id() + "/poster").with(user(bob))).andExpect(status().isNotFound());
    }

    @Test
    void aWebmVideoFromSaveWebmIsStoredAndServedAsWebm() throws Exception {
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        UUID jobId = submit(alice, "video-webm", "9");

        JobView done = awaitJob(jobId, alice.id(), job -> job.status().isFinal());

        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(JobStatus.SUCCEEDED);
        JobImage video = done.images().getFirst();
        assertThat(video.contentType()).isEqualTo("video/webm");
        byte[] head = mvc.perform(get("/images/" + video.id()).with(user(alice)).header("Range", "bytes=0-3"))
                .andExpect(status().isPartialContent()).andReturn().getResponse().getContentAsByteArray();
        assertThat(head).containsExactly(0x1A, 0x45, 0xDF, 0xA3);
        assertThat(statements.balance(alice.id()).availableCredits()).isEqualTo(1000 - 20);
    }

    @Test
    void anImageToVideoJobUploadsTheUsersImageToComfyUiAndMakesAVideoOfIt() throws Exception {
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        JobView image = awaitJob(generation.submit(alice.id(), GenerationRequest.of("modelfree", "a red square")).id(),
                alice.id(), job -> job.status().isFinal());
        assertThat(image.status()).isEqualTo(JobStatus.SUCCEEDED);
        UUID imageId = image.images().getFirst().id();

        UUID jobId = UUID.fromString(mvc.perform(post("/generate").with(user(alice)).with(csrf())
                        .param("modelId", "video-i2v").param("prompt", "the square, moving")
                        .param("inputImageId", imageId.toString()))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl()
                .substring("/jobs/".length()));
        JobView done = awaitJob(jobId, alice.id(), job -> job.status().isFinal());

        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.images().getFirst().contentType()).isEqualTo("video/mp4");
        assertThat(STAND_IN.submittedPrompts().getLast().graph().get("1").get("inputs").get("image").asString())
                .isEqualTo("text2image/" + jobId + "-1.png");
    }

    private UUID submit(SignedInUser user, String modelId, String frames) throws Exception {
        String location = mvc.perform(post("/generate").with(user(user)).with(csrf())
                        .param("modelId", modelId).param("prompt", "a red fox running through snow")
                        .param("frames", frames))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        return UUID.fromString(location.substring("/jobs/".length()));
    }
}
