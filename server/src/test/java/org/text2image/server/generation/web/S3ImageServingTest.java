package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.storage.RemoteImageResource;
import org.text2image.server.storage.s3.S3TestServer;
import org.text2image.server.support.Images;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * The image endpoints with images in S3 (S3Proxy on loopback). The one Spring context of the
 * S3-backed server tests: keep every such test in this class.
 */
@PageTest
class S3ImageServingTest {

    static final S3TestServer S3 = S3TestServer.get();

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        S3.bucket("serving-test");
        registry.add("text2image.storage.type", () -> "s3");
        registry.add("text2image.storage.s3.bucket", () -> "serving-test");
        registry.add("text2image.storage.s3.prefix", () -> "server");
        registry.add("text2image.storage.s3.endpoint", () -> S3.endpoint().toString());
        registry.add("text2image.storage.s3.path-style", () -> "true");
        registry.add("text2image.storage.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("text2image.storage.s3.secret-key", () -> S3TestServer.SECRET_KEY);
    }

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;
    @Autowired ImageUrls urls;
    @Autowired ImageStore store;
    @LocalServerPort int port;

    SignedInUser alice;
    SignedInUser bob;
    UUID imageId;
    byte[] png;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
        JobView job = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse"));
        imageId = TestImages.complete(queue, generation, job, alice);
        png = Images.png(job.parameters().width(), job.parameters().height());
    }

    @AfterEach
    void tearDown() {
        S3TestServer.presignedDownloads(store, false);
    }

    @Test
    void theResultImageIsStoredInTheBucketAndServedToItsOwnerOnly() throws Exception {
        assertThat(store.resource(storageKey())).hasValueSatisfying(resource ->
                assertThat(resource).isInstanceOf(RemoteImageResource.class));

        byte[] served = mvc.perform(get("/images/" + imageId).with(user(alice))).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "image/png"))
                .andExpect(header().string("Content-Length", String.valueOf(png.length)))
                .andExpect(header().string("ETag", "\"" + imageId + "\""))
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(served).isEqualTo(png);
        mvc.perform(get("/images/" + imageId).with(user(bob))).andExpect(status().isNotFound());
        assertThat(mvc.perform(get(urls.sign(imageId, alice.id(), ""))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsByteArray()).isEqualTo(png);
    }

    @Test
    void aRangeOverRealHttpStreamsThoseBytesFromTheBucket() throws Exception {
        byte[] large = new byte[300_000];
        new Random(7).nextBytes(large);
        store.put(storageKey(), large);
        String url = "http://localhost:" + port + urls.sign(imageId, alice.id(), "");

        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Range", "bytes=100000-100099").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100000-100099/300000");
            assertThat(part.headers().firstValue("Content-Length")).hasValue("100");
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(large, 100_000, 100_100));

            HttpResponse<byte[]> suffix = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Range", "bytes=-10").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(suffix.statusCode()).isEqualTo(206);
            assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(large, 299_990, 300_000));

            HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.headers().firstValue("Content-Length")).hasValue("300000");
            assertThat(whole.body()).isEqualTo(large);
        }
    }

    @Test
    void aRangePastTheEndGets416AndSeveralRangesGetEachPart() throws Exception {
        mvc.perform(get("/images/" + imageId).with(user(alice)).header("Range", "bytes=" + (png.length + 10) + "-"))
                .andExpect(status().isRequestedRangeNotSatisfiable())
                .andExpect(header().string("Content-Range", "bytes */" + png.length));

        byte[] multipart = mvc.perform(get("/images/" + imageId).with(user(alice)).header("Range", "bytes=0-9,20-29"))
                .andExpect(status().isPartialContent()).andReturn().getResponse().getContentAsByteArray();
        String body = new String(multipart, StandardCharsets.ISO_8859_1);
        assertThat(body).contains("Content-Range: bytes 0-9/" + png.length).contains("Content-Range: bytes 20-29/" + png.length)
                .contains(new String(Arrays.copyOfRange(png, 20, 30), StandardCharsets.ISO_8859_1));
    }

    @Test
    void aThumbnailIsMadeFromTheBucketAndKeptThere() throws Exception {
        mvc.perform(get(urls.sign(imageId, alice.id(), "/thumb"))).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "image/jpeg"));

        assertThat(store.resource("thumbs/" + imageId + ".jpg")).isPresent();
    }

    @Test
    void withPresignedDownloadsTheOwnerIsRedirectedToTheBucketAndAnotherUserGets404() throws Exception {
        S3TestServer.presignedDownloads(store, true);

        mvc.perform(get("/images/" + imageId).with(user(bob))).andExpect(status().isNotFound())
                .andExpect(header().doesNotExist("Location"));
        String location = mvc.perform(get("/images/" + imageId).with(user(alice))).andExpect(status().isFound())
                .andExpect(header().string("Cache-Control", "no-store"))
                .andReturn().getResponse().getHeader("Location");
        assertThat(location).startsWith(S3.endpoint() + "/serving-test/server/").contains("X-Amz-Signature=");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> followed = http.send(HttpRequest.newBuilder(URI.create(location)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(followed.statusCode()).isEqualTo(200);
            assertThat(followed.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat(followed.body()).isEqualTo(png);
        }

        String download = mvc.perform(get("/images/" + imageId).param("download", "true").with(user(alice)))
                .andExpect(status().isFound()).andReturn().getResponse().getHeader("Location");
        assertThat(download).contains("response-content-disposition=attachment");
        mvc.perform(get("/i/" + imageId + "?v=1&exp=1&sig=forged")).andExpect(status().isNotFound())
                .andExpect(header().doesNotExist("Location"));
        mvc.perform(get(urls.sign(imageId, alice.id(), ""))).andExpect(status().isFound());
    }

    @Test
    void aVideoStoredFromAFileInTheBucketIsServedByRangesAndItsPosterBesideIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] mp4 = org.text2image.worker.comfyui.standin.StandInMedia.h264Mp4(64, 64, 9, 8);
        String posterKey = storageKey() + "-poster";
        store.put(storageKey(), java.nio.file.Files.write(dir.resolve("clip.mp4"), mp4));
        store.put(posterKey, png);
        db.jdbc().sql("UPDATE job_image SET content_type = 'video/mp4', size_bytes = ?, poster_key = ?, poster_size_bytes = ? "
                + "WHERE id = ?").params(mp4.length, posterKey, png.length, imageId).update();

        byte[] part = mvc.perform(get(urls.sign(imageId, alice.id(), "")).header("Range", "bytes=50-249"))
                .andExpect(status().isPartialContent())
                .andExpect(header().string("Content-Type", "video/mp4"))
                .andExpect(header().string("Content-Range", "bytes 50-249/" + mp4.length))
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(part).isEqualTo(Arrays.copyOfRange(mp4, 50, 250));
        assertThat(mvc.perform(get("/images/" + imageId + "/poster").with(user(alice))).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "image/png")).andReturn().getResponse().getContentAsByteArray())
                .isEqualTo(png);
        mvc.perform(get("/images/" + imageId + "/poster").with(user(bob))).andExpect(status().isNotFound());
    }

    private String storageKey() {
        return db.jdbc().sql("SELECT storage_key FROM job_image WHERE id = ?").params(imageId).query(String.class).single();
    }
}
