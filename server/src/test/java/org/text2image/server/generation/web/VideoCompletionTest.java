package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.generation.GeneratedImages;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobImage;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.storage.LocalFolderImageStore;
import org.text2image.server.support.Images;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;
import org.text2image.worker.comfyui.standin.StandInMedia;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A video job completed through the worker API: one verified video and its PNG poster are stored
 * and served (by ranges, and the poster at its own URL to the owner only); a video that fails
 * verification stores and charges nothing. Uses the model-free video models of
 * {@code models-with-video.json}: the usual test models and those of {@code models-video.json} (5 MB limit).
 */
@PageTest
@TestPropertySource(properties = "text2image.catalog.models-file=src/test/resources/config/models-with-video.json")
class VideoCompletionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort int port;
    @Autowired MockMvc mvc;
    @Autowired GenerationService generation;
    @Autowired AccountService accounts;
    @Autowired CreditLedger ledger;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired ImageStore store;
    @Autowired ImageUrls urls;
    @Autowired TestDatabase db;
    @Autowired GeneratedImages images;
    @Autowired PlatformTransactionManager transactions;

    final HttpClient http = HttpClient.newHttpClient();
    SignedInUser alice;
    SignedInUser bob;
    byte[] mp4;
    byte[] poster;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
        ledger.grant(alice.id(), 1_000, "test:video", "Credits for videos");
        mp4 = StandInMedia.h264Mp4(64, 64, 9, 8);
        poster = Images.png(64, 64);
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aVideoAndItsPosterAreStoredTheJobSucceedsAndIsChargedOnce() throws Exception {
        long before = statements.balance(alice.id()).availableCredits();
        JobView job = submit("video-mp4");
        int attempt = claim(job.id());

        HttpResponse<String> answer = complete(job.id(), attempt,
                part("clip_00001_.mp4", "video/mp4", mp4), part("clip_00001_.png", "image/png", poster));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(jobStatus(job.id())).isEqualTo("SUCCEEDED");
        JobImage video = generation.find(job.id(), new Viewer(alice.id(), false)).orElseThrow().images().getFirst();
        assertThat(video.contentType()).isEqualTo("video/mp4");
        assertThat(video.isVideo()).isTrue();
        assertThat(video.hasPoster()).isTrue();
        String key = db.jdbc().sql("SELECT storage_key FROM job_image WHERE id = ?").params(video.id()).query(String.class).single();
        String posterKey = db.jdbc().sql("SELECT poster_key FROM job_image WHERE id = ?").params(video.id()).query(String.class).single();
        assertThat(key).isEqualTo("jobs/" + job.id() + "/" + video.id());
        assertThat(store.get(key)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(mp4));
        assertThat(store.get(posterKey)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(poster));
        assertThat(db.jdbc().sql("SELECT size_bytes FROM job_image WHERE id = ?").params(video.id()).query(Long.class).single())
                .isEqualTo(mp4.length);
        assertThat(db.jdbc().sql("SELECT poster_size_bytes FROM job_image WHERE id = ?").params(video.id()).query(Long.class)
                .single()).isEqualTo(poster.length);
        assertThat(holdStatuses()).containsExactly("CAPTURED");
        assertThat(statements.balance(alice.id())).isEqualTo(new org.text2image.server.credits.Balance(
                before - job.parameters().priceCredits(), 0));
    }

    @Test
    void aRangeOfTheVideoIs206WithExactlyThoseBytesAndThePosterIsAPngForItsOwnerOnly() throws Exception {
        JobView job = submit("video-mp4");
        HttpResponse<String> answer = complete(job.id(), claim(job.id()),
                part("clip.mp4", "video/mp4", mp4), part("clip.png", "image/png", poster));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        UUID id = generation.find(job.id(), new Viewer(alice.id(), false)).orElseThrow().images().getFirst().id();

        byte[] part = mvc.perform(get(urls.sign(id, alice.id(), "")).header("Range", "bytes=100-299"))
                .andExpect(status().isPartialContent())
                .andExpect(header().string("Content-Type", "video/mp4"))
                .andExpect(header().string("Content-Range", "bytes 100-299/" + mp4.length))
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(part).isEqualTo(Arrays.copyOfRange(mp4, 100, 300));
        mvc.perform(get("/images/" + id).with(user(alice))).andExpect(status().isOk())
                .andExpect(header().string("Accept-Ranges", "bytes")).andExpect(header().string("Content-Type", "video/mp4"));

        byte[] png = mvc.perform(get("/images/" + id + "/poster").with(user(alice))).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "image/png")).andReturn().getResponse().getContentAsByteArray();
        assertThat(png).isEqualTo(poster);
        assertThat(mvc.perform(get(urls.sign(id, alice.id(), "/poster"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsByteArray()).isEqualTo(poster);
        mvc.perform(get(urls.sign(id, alice.id(), "/thumb"))).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "image/jpeg"));
        mvc.perform(get("/images/" + id + "/poster").with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/images/" + id).with(user(bob))).andExpect(status().isNotFound());
    }

    @Test
    void forgettingAUserRemovesTheVideoItsPosterAndItsThumbnailFromTheStore() throws Exception {
        JobView job = submit("video-mp4");
        assertThat(complete(job.id(), claim(job.id()), part("clip.mp4", "video/mp4", mp4),
                part("clip.png", "image/png", poster)).statusCode()).isEqualTo(200);
        UUID id = generation.find(job.id(), new Viewer(alice.id(), false)).orElseThrow().images().getFirst().id();
        mvc.perform(get(urls.sign(id, alice.id(), "/thumb"))).andExpect(status().isOk()); // makes the thumbnail
        List<String> keys = db.jdbc().sql("SELECT unnest(ARRAY[storage_key, poster_key]) FROM job_image")
                .query(String.class).list();
        assertThat(keys).hasSize(2).allSatisfy(key -> assertThat(store.get(key)).isPresent());

        List<GeneratedImages.RemovedImage> removed = new TransactionTemplate(transactions)
                .execute(tx -> images.forgetUser(alice.id()));
        images.deleteFiles(removed);

        assertThat(keys).allSatisfy(key -> assertThat(store.get(key)).isEmpty());
        assertThat(store.get("thumbs/" + id + ".jpg")).isEmpty();
        mvc.perform(get(urls.sign(id, alice.id(), "/poster"))).andExpect(status().isNotFound());
    }

    @Test
    void theJobPageAndHistoryRenderAStoredVideoWithItsPoster() throws Exception {
        JobView job = submit("video-mp4");
        assertThat(complete(job.id(), claim(job.id()), part("clip.mp4", "video/mp4", mp4),
                part("clip.png", "image/png", poster)).statusCode()).isEqualTo(200);
        UUID id = generation.find(job.id(), new Viewer(alice.id(), false)).orElseThrow().images().getFirst().id();

        String page = mvc.perform(get("/jobs/" + job.id()).with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("<video").contains("/i/" + id + "?").contains("/i/" + id + "/poster?");
        mvc.perform(get("/history").with(user(alice))).andExpect(status().isOk());
    }

    @Test
    void aVideoWithoutPosterIsStoredAndHasNoThumbnail() throws Exception {
        JobView job = submit("video-mp4");
        HttpResponse<String> answer = complete(job.id(), claim(job.id()), part("clip.mp4", "video/mp4", mp4));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JobImage video = generation.find(job.id(), new Viewer(alice.id(), false)).orElseThrow().images().getFirst();
        assertThat(video.hasPoster()).isFalse();
        assertThat(video.hasThumbnail()).isFalse();
        mvc.perform(get(urls.sign(video.id(), alice.id(), "/thumb"))).andExpect(status().isNotFound());
        mvc.perform(get("/images/" + video.id() + "/poster").with(user(alice))).andExpect(status().isNotFound());
    }

    @Test
    void aWebmOfTheJobsSizeIsStoredAsVideoWebm() throws Exception {
        JobView job = submit("video-webm");
        HttpResponse<String> answer = complete(job.id(), claim(job.id()),
                part("clip.webm", "video/webm", StandInMedia.webm(64, 64, 1)), part("clip.png", "image/png", poster));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(generation.find(job.id(), new Viewer(alice.id(), false)).orElseThrow().images())
                .singleElement().satisfies(video -> assertThat(video.contentType()).isEqualTo("video/webm"));
    }

    @Test
    void aVideoOverTheModelsSizeLimitIsRefusedAndNothingIsStoredOrCharged() throws Exception {
        byte[] padded = withFreeBox(mp4, 5 * 1024 * 1024); // still a whole MP4, but over max_megabytes 5
        assertRefused("video-mp4", "is " + padded.length + " bytes; this model's videos may be at most",
                part("clip.mp4", "video/mp4", padded), part("clip.png", "image/png", poster));
    }

    @Test
    void anMp4WhoseBytesAreWebmIsRefusedAndNothingIsStoredOrCharged() throws Exception {
        assertRefused("video-mp4", "is declared as video/mp4, but its bytes are of type video/webm",
                part("clip.mp4", "video/mp4", StandInMedia.webm(64, 64, 1)));
    }

    @Test
    void anUnparseableMp4IsRefusedAndNothingIsStoredOrCharged() throws Exception {
        assertRefused("video-mp4", "is not a whole MP4 video",
                part("clip.mp4", "video/mp4", Arrays.copyOf(mp4, mp4.length / 2)), part("clip.png", "image/png", poster));
    }

    @Test
    void twoVideosOrAJpegPosterOrAVideoOnAnImageJobAreRefused() throws Exception {
        assertRefused("video-mp4", "exactly one video", part("a.mp4", "video/mp4", mp4), part("b.mp4", "video/mp4", mp4));
        assertRefused("video-mp4", "carries exactly one video", part("clip.png", "image/png", poster));
        assertRefused("modelfree", "is a video, but this job makes images", part("clip.mp4", "video/mp4", mp4));
    }

    @Test
    void aVideoJobIsToldDirectUploadIsOffSoItsWorkerFallsBackToMultipart() throws Exception {
        JobView job = submit("video-mp4");
        int attempt = claim(job.id());

        HttpResponse<String> answer = send("/jobs/" + job.id() + "/upload-urls", "application/json",
                ("{\"attempt\": " + attempt + ", \"images\": [{\"size\": 100, \"md5\": \"AAAAAAAAAAAAAAAAAAAAAA==\"}]}")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).contains("Direct upload is off");
    }

    private void assertRefused(String model, String message, byte[]... parts) throws Exception {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        ledger.grant(alice.id(), 1_000, "test:video", "Credits for videos");
        long before = statements.balance(alice.id()).availableCredits();
        JobView job = model.equals("modelfree")
                ? generation.submit(alice.id(), GenerationRequest.of("modelfree", "a clip")) : submit(model);

        HttpResponse<String> answer = complete(job.id(), claim(job.id()), parts);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains(message);
        assertThat(jobStatus(job.id())).isEqualTo("RUNNING");
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_image").query(Long.class).single()).isZero();
        Path jobFolder = ((LocalFolderImageStore) store).root().resolve("jobs/" + job.id());
        if (Files.exists(jobFolder)) {
            try (Stream<Path> files = Files.list(jobFolder)) {
                assertThat(files).isEmpty();
            }
        }
        assertThat(holdStatuses()).containsExactly("OPEN"); // still held for the next attempt: nothing charged
        org.text2image.server.credits.Balance balance = statements.balance(alice.id());
        assertThat(balance.heldCredits()).isEqualTo(job.parameters().priceCredits());
        assertThat(balance.availableCredits() + balance.heldCredits()).isEqualTo(before);
    }

    private JobView submit(String model) {
        return generation.submit(alice.id(), new GenerationRequest(model, "a clip", null, 64, 64, 1, null, null, null,
                null, null, 9, 8, null));
    }

    private int claim(UUID job) throws Exception {
        HttpResponse<String> claim = send("/claim", "application/json",
                ("{\"workerName\": \"gpu-1\", \"backendReachable\": true, \"checkpoints\": [\"" + TestCatalog.SD15 + "\"]}")
                        .getBytes(StandardCharsets.UTF_8));
        JsonNode claimed = JSON.readTree(claim.body());
        assertThat(claimed.get("jobId").asString()).as(claim.body()).isEqualTo(job.toString());
        return claimed.get("attempt").asInt();
    }

    private String jobStatus(UUID job) {
        return db.jdbc().sql("SELECT status FROM generation_job WHERE id = ?").params(job).query(String.class).single();
    }

    private List<String> holdStatuses() {
        return db.jdbc().sql("SELECT status FROM credit_hold WHERE user_id = ?").params(alice.id()).query(String.class).list();
    }

    /** The MP4 followed by a {@code free} box of {@code padding} bytes: the top-level boxes still tile the file. */
    private static byte[] withFreeBox(byte[] mp4, int padding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(mp4);
        int size = padding + 8;
        out.writeBytes(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
        out.writeBytes("free".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[padding]);
        return out.toByteArray();
    }

    private static byte[] part(String fileName, String contentType, byte[] bytes) {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + fileName
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        part.writeBytes(bytes);
        part.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        return part.toByteArray();
    }

    private HttpResponse<String> complete(UUID job, int attempt, byte[]... parts) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"attempt\"\r\n\r\n" + attempt + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        body.writeBytes("--b--\r\n".getBytes(StandardCharsets.UTF_8));
        return send("/jobs/" + job + "/complete", "multipart/form-data; boundary=b", body.toByteArray());
    }

    private HttpResponse<String> send(String path, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/worker/v1" + path))
                .header("Authorization", "Bearer test-worker-token").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
