package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.Resource;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.Images;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

@PageTest
class ImageServingTest {

    private static final Pattern SIGNED_URL = Pattern.compile("/i/[0-9a-f-]{36}(/thumb)?\\?v=\\d+&amp;exp=\\d+&amp;sig=[A-Za-z0-9_-]+");

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;
    @Autowired ImageUrls urls;
    @Autowired ImageStore store;
    @Autowired MutableClock clock;
    @LocalServerPort int port;

    SignedInUser alice;
    SignedInUser bob;
    JobView job;
    UUID imageId;
    byte[] png;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
        job = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse"));
        imageId = TestImages.complete(queue, generation, job, alice);
        png = Images.png(job.parameters().width(), job.parameters().height());
    }

    @AfterEach
    void tearDown() {
        clock.reset();
        SecurityContextHolder.clearContext();
    }

    @Test
    void aSignedUrlServesTheImageWithoutASessionWithCachingHeaders() throws Exception {
        byte[] bytes = mvc.perform(get(urls.sign(imageId, alice.id(), ""))).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "image/png"))
                .andExpect(header().string("ETag", "\"" + imageId + "\""))
                .andExpect(header().string("Cache-Control", "private, max-age=31536000, immutable"))
                .andExpect(header().string("Accept-Ranges", "bytes"))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().doesNotExist("Set-Cookie"))
                .andReturn().getResponse().getContentAsByteArray();

        assertThat(bytes).isEqualTo(png);
    }

    @Test
    void aSignedUrlStopsWorkingWhenItExpires() throws Exception {
        String url = urls.sign(imageId, alice.id(), "");
        mvc.perform(get(url)).andExpect(status().isOk());

        clock.advance(Duration.ofMinutes(30));
        mvc.perform(get(url)).andExpect(status().isOk());
        clock.advance(Duration.ofMinutes(31));
        mvc.perform(get(url)).andExpect(status().isNotFound());
        mvc.perform(get(url.replace("/i/" + imageId, "/i/" + imageId + "/thumb"))).andExpect(status().isNotFound());
    }

    @Test
    void aSignedUrlIsRefusedForAnotherImageOrAChangedParameter() throws Exception {
        JobView other = generation.submit(alice.id(), GenerationRequest.of("sd15", "a harbour"));
        UUID otherImage = TestImages.complete(queue, generation, other, alice);
        String url = urls.sign(imageId, alice.id(), "");
        String signature = url.substring(url.indexOf("&sig=") + 5);
        String tampered = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
        long expires = Long.parseLong(url.replaceAll(".*&exp=(\\d+)&.*", "$1"));

        mvc.perform(get(url)).andExpect(status().isOk());
        mvc.perform(get(url.replace(imageId.toString(), otherImage.toString()))).andExpect(status().isNotFound());
        mvc.perform(get(url.replace(signature, tampered))).andExpect(status().isNotFound());
        mvc.perform(get(url.replace("&exp=" + expires, "&exp=" + (expires + 86_400)))).andExpect(status().isNotFound());
        mvc.perform(get(url.replace("&sig=" + signature, ""))).andExpect(status().isNotFound());
        mvc.perform(get("/i/" + imageId)).andExpect(status().isNotFound());
        mvc.perform(get("/i/not-an-id?v=1&exp=1&sig=x")).andExpect(status().isNotFound());
    }

    @Test
    void aUrlSignedForTheOwnerDoesNotWorkWithAnotherViewerAndNoneIsSignedForANonOwner() throws Exception {
        String url = urls.sign(imageId, alice.id(), "");
        mvc.perform(get(url.replace("?v=" + alice.id(), "?v=" + bob.id()))).andExpect(status().isNotFound());

        mvc.perform(get("/jobs/" + job.id()).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/jobs/" + job.id() + "/status").with(user(bob))).andExpect(status().isNotFound());
        assertThat(html("/history", bob)).doesNotContain(imageId.toString());
        JobView seenByAlice = generation.find(job.id(), new Viewer(alice.id(), false)).orElseThrow();
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(bob, null, bob.getAuthorities()));
        assertThatThrownBy(() -> urls.image(seenByAlice, imageId)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> urls.thumbnail(seenByAlice, imageId)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theJobPageShowsTheImageBySignedUrlsForTheOwnerAndForAnAdmin() throws Exception {
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");

        for (SignedInUser viewer : new SignedInUser[] {alice, admin}) {
            String url = signedUrlIn(html("/jobs/" + job.id(), viewer));
            assertThat(url).startsWith("/i/" + imageId + "?v=" + viewer.id() + "&");
            assertThat(mvc.perform(get(url)).andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray())
                    .isEqualTo(png);
        }
    }

    @Test
    void signedImageRequestsNeitherReadNorWriteTheSession() throws Exception {
        accounts.register("carol@example.com", "correct horse");
        Cookie session = mvc.perform(post("/login").with(csrf()).param("username", "carol@example.com")
                .param("password", "correct horse")).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getCookie("SESSION");
        assertThat(session).isNotNull();
        // Stamped two minutes ago, so any request that reads the session stores a new last-access time.
        long lastAccess = lastSessionAccess() - 120_000;
        db.jdbc().sql("UPDATE spring_session SET last_access_time = ?, expiry_time = ? + max_inactive_interval * 1000")
                .params(lastAccess, lastAccess).update();

        mvc.perform(get(urls.sign(imageId, alice.id(), "")).cookie(session)).andExpect(status().isOk())
                .andExpect(header().doesNotExist("Set-Cookie"));
        mvc.perform(get(urls.sign(imageId, alice.id(), "/thumb")).cookie(session)).andExpect(status().isOk());
        mvc.perform(get("/i/" + imageId + "?v=1&exp=1&sig=forged").cookie(session)).andExpect(status().isNotFound())
                .andExpect(header().doesNotExist("Set-Cookie"));
        mvc.perform(get("/i/" + imageId + "?v=1&exp=1&sig=forged")).andExpect(status().isNotFound())
                .andExpect(header().doesNotExist("Set-Cookie"));
        assertThat(lastSessionAccess()).isEqualTo(lastAccess);

        mvc.perform(get("/images/" + imageId).cookie(session)).andExpect(status().isNotFound());
        assertThat(lastSessionAccess()).as("a session-backed request updates it").isGreaterThan(lastAccess);
    }

    @Test
    void aMatchingIfNoneMatchGets304WithoutABody() throws Exception {
        String etag = "\"" + imageId + "\"";
        for (var request : new org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder[] {
                get(urls.sign(imageId, alice.id(), "")), get("/images/" + imageId).with(user(alice))}) {
            MvcResult result = mvc.perform(request.header("If-None-Match", "\"other\", " + etag))
                    .andExpect(status().isNotModified())
                    .andExpect(header().string("ETag", etag))
                    .andExpect(header().string("Cache-Control", "private, max-age=31536000, immutable"))
                    .andReturn();
            assertThat(result.getResponse().getContentAsByteArray()).isEmpty();
        }
        mvc.perform(get(urls.sign(imageId, alice.id(), "")).header("If-None-Match", "\"other\""))
                .andExpect(status().isOk());
        mvc.perform(get("/images/" + imageId).with(user(bob)).header("If-None-Match", etag))
                .andExpect(status().isNotFound());
    }

    @Test
    void aRangeRequestGets206WithThoseBytesAndAnUnsatisfiableOne416() throws Exception {
        for (var request : new org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder[] {
                get(urls.sign(imageId, alice.id(), "")), get("/images/" + imageId).with(user(alice))}) {
            byte[] part = mvc.perform(request.header("Range", "bytes=10-99")).andExpect(status().isPartialContent())
                    .andExpect(header().string("Content-Range", "bytes 10-99/" + png.length))
                    .andExpect(header().string("Content-Type", "image/png"))
                    .andReturn().getResponse().getContentAsByteArray();
            assertThat(part).isEqualTo(Arrays.copyOfRange(png, 10, 100));
        }
        mvc.perform(get(urls.sign(imageId, alice.id(), "")).header("Range", "bytes=" + (png.length + 10) + "-"))
                .andExpect(status().isRequestedRangeNotSatisfiable());
    }

    @Test
    void historyShowsThumbnailsThatAreMadeOnceAndTheFullImageStaysWithTheOwner() throws Exception {
        String thumbUrl = signedUrlIn(html("/history", alice));
        assertThat(thumbUrl).startsWith("/i/" + imageId + "/thumb?v=" + alice.id() + "&");
        assertThat(store.resource("thumbs/" + imageId + ".jpg")).isEmpty();

        byte[] first = thumbnail(thumbUrl);
        Resource stored = store.resource("thumbs/" + imageId + ".jpg").orElseThrow();
        long madeAt = stored.lastModified();
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(first));
        assertThat(decoded.getWidth()).isEqualTo(384);
        assertThat(decoded.getHeight()).isEqualTo(384);
        Thread.sleep(20);

        assertThat(thumbnail(thumbUrl)).isEqualTo(first);
        assertThat(store.resource("thumbs/" + imageId + ".jpg").orElseThrow().lastModified()).isEqualTo(madeAt);

        mvc.perform(get("/images/" + imageId).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/images/" + imageId)).andExpect(status().is3xxRedirection());
        mvc.perform(get("/images/" + imageId).with(user(alice))).andExpect(status().isOk());
    }

    @Test
    void aLargeImageGoesOutWholeOverRealHttpAndByRange() throws Exception {
        byte[] large = new byte[300_000];
        new Random(7).nextBytes(large);
        String key = db.jdbc().sql("SELECT storage_key FROM job_image WHERE id = ?").params(imageId).query(String.class).single();
        store.put(key, large);
        String url = "http://localhost:" + port + urls.sign(imageId, alice.id(), "");

        try (HttpClient http = HttpClient.newHttpClient()) { // over real HTTP, Tomcat sends the whole file with sendfile
            HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.headers().firstValue("Content-Length")).hasValue(String.valueOf(large.length));
            assertThat(whole.headers().firstValue("ETag")).hasValue("\"" + imageId + "\"");
            assertThat(whole.body()).isEqualTo(large);

            HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(URI.create(url)).header("Range", "bytes=100000-100099").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(large, 100_000, 100_100));
        }
    }

    private byte[] thumbnail(String url) throws Exception {
        return mvc.perform(get(url)).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "image/jpeg"))
                .andExpect(header().string("ETag", "\"" + imageId + "-thumb\""))
                .andReturn().getResponse().getContentAsByteArray();
    }

    /** The one session's last access (milliseconds); fails when another session was created. */
    private long lastSessionAccess() {
        return db.jdbc().sql("SELECT last_access_time FROM spring_session").query(Long.class).single();
    }

    private String html(String path, SignedInUser viewer) throws Exception {
        return mvc.perform(get(path).with(user(viewer))).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private static String signedUrlIn(String html) {
        Matcher matcher = SIGNED_URL.matcher(html);
        assertThat(matcher.find()).as("a signed image URL in the page").isTrue();
        return matcher.group().replace("&amp;", "&");
    }
}
