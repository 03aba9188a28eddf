package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.util.UriComponentsBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GeneratedImages;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.Images;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * The signed image fast path answers a plain {@code GET} with a valid signature itself, exactly as
 * the controller would, and passes every other request on to the controller untouched.
 */
@PageTest
class SignedImageFastPathTest {

    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;
    @Autowired ImageUrls urls;
    @Autowired GeneratedImages images;

    SignedImageFastPath fastPath;
    SignedInUser alice;
    JobView job;
    UUID imageId;

    @BeforeEach
    void setUp() {
        db.clean();
        fastPath = new SignedImageFastPath(urls, images, new ImageBytesServed()); // unbound: counts nothing
        alice = accounts.register("alice@example.com", "correct horse");
        job = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse"));
        imageId = TestImages.complete(queue, generation, job, alice);
    }

    @Test
    void answersAValidSignedGetItselfWithTheImageAndItsCachingHeaders() throws Exception {
        Outcome outcome = run(request(urls.sign(imageId, alice.id(), "")));

        assertThat(outcome.passedOn()).isFalse();
        assertThat(outcome.response().getStatus()).isEqualTo(200);
        assertThat(outcome.response().getContentType()).isEqualTo("image/png");
        assertThat(outcome.response().getHeader("ETag")).isEqualTo("\"" + imageId + "\"");
        assertThat(outcome.response().getHeader("Cache-Control")).isEqualTo(ImageResponses.CACHE_CONTROL);
        assertThat(outcome.response().getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(outcome.response().getContentAsByteArray())
                .isEqualTo(Images.png(job.parameters().width(), job.parameters().height()));
    }

    @Test
    void answersAMatchingIfNoneMatchWith304AndNoBody() throws Exception {
        MockHttpServletRequest request = request(urls.sign(imageId, alice.id(), ""));
        request.addHeader("If-None-Match", "\"" + imageId + "\"");

        Outcome outcome = run(request);

        assertThat(outcome.passedOn()).isFalse();
        assertThat(outcome.response().getStatus()).isEqualTo(304);
        assertThat(outcome.response().getContentAsByteArray()).isEmpty();
    }

    @Test
    void servesTheThumbnailOfAThumbnailUrl() throws Exception {
        String url = urls.sign(imageId, alice.id(), "").replace("/i/" + imageId, "/i/" + imageId + "/thumb");

        Outcome outcome = run(request(url));

        assertThat(outcome.passedOn()).isFalse();
        assertThat(outcome.response().getContentType()).isEqualTo("image/jpeg");
        assertThat(outcome.response().getHeader("ETag")).isEqualTo("\"" + imageId + "-thumb\"");
    }

    @Test
    void passesRangesHeadRequestsAndBadSignaturesOnToTheController() throws Exception {
        String url = urls.sign(imageId, alice.id(), "");
        MockHttpServletRequest range = request(url);
        range.addHeader("Range", "bytes=0-9");
        MockHttpServletRequest head = request(url);
        head.setMethod("HEAD");
        String signature = url.substring(url.indexOf("&sig=") + 5);
        String tampered = url.replace(signature, (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1));

        for (MockHttpServletRequest request : new MockHttpServletRequest[] {range, head, request(tampered),
                request("/i/" + imageId), request("/i/not-an-id?v=1&exp=1&sig=x"),
                request(url.replace(imageId.toString(), UUID.randomUUID().toString()))}) {
            Outcome outcome = run(request);
            assertThat(outcome.passedOn()).as(request.getMethod() + " " + request.getRequestURI()).isTrue();
            assertThat(outcome.response().getContentAsByteArray()).isEmpty();
        }
    }

    private Outcome run(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicBoolean passedOn = new AtomicBoolean();
        FilterChain chain = (req, res) -> passedOn.set(true);
        fastPath.doFilter(request, response, chain);
        return new Outcome(passedOn.get(), response);
    }

    private static MockHttpServletRequest request(String url) {
        var parts = UriComponentsBuilder.fromUriString(url).build();
        MockHttpServletRequest request = new MockHttpServletRequest("GET", parts.getPath());
        parts.getQueryParams().forEach((name, values) -> request.addParameter(name, values.toArray(String[]::new)));
        return request;
    }

    private record Outcome(boolean passedOn, MockHttpServletResponse response) {
    }
}
