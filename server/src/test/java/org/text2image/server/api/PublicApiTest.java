package org.text2image.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * The REST API under /api/v1 (docs/API.md): the Generate form's rules through a key, idempotent
 * submits, signed image URLs without a session, scopes, and problem details for every refusal,
 * which writes nothing.
 */
@PageTest
class PublicApiTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired ApiKeys keys;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;
    @LocalServerPort int port;

    SignedInUser alice;
    String aliceKey;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        aliceKey = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class)).secret();
    }

    @AfterEach
    void booksBalance() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void submitPollAndFetchTheImageThroughItsSignedUrlWithoutASession() throws Exception {
        MvcResult submitted = mvc.perform(as(aliceKey, post("/api/v1/jobs")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"model\":\"sd15\",\"prompt\":\"a lighthouse\",\"width\":512,\"height\":512}"))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", startsWith("/api/v1/jobs/")))
                .andExpect(jsonPath("$.status").value("queued"))
                .andExpect(jsonPath("$.queue_position").value(1))
                .andExpect(jsonPath("$.cost.price_credits").value(1))
                .andExpect(jsonPath("$.cost.held_credits").value(1))
                .andExpect(jsonPath("$.images", hasSize(0)))
                .andReturn();
        UUID jobId = UUID.fromString(JsonPath.read(submitted.getResponse().getContentAsString(), "$.id"));
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(19, 1));

        JobView job = generation.find(jobId, new Viewer(alice.id(), false)).orElseThrow();
        TestImages.complete(queue, generation, job, alice);

        MvcResult done = mvc.perform(as(aliceKey, get("/api/v1/jobs/" + jobId)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("succeeded"))
                .andExpect(jsonPath("$.cost.charged_credits").value(1))
                .andExpect(jsonPath("$.images", hasSize(1)))
                .andExpect(jsonPath("$.images[0].content_type").value("image/png"))
                .andReturn();
        String url = JsonPath.read(done.getResponse().getContentAsString(), "$.images[0].url");
        assertThat(url).startsWith("http://localhost/i/");
        URI signed = URI.create(url);

        byte[] png = mvc.perform(get(URI.create(signed.getRawPath() + "?" + signed.getRawQuery())))
                .andExpect(status().isOk())
                .andExpect(content().contentType("image/png"))
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');

        String tampered = signed.getRawQuery().replaceFirst("sig=.", "sig=A").equals(signed.getRawQuery())
                ? signed.getRawQuery().replaceFirst("sig=.", "sig=B") : signed.getRawQuery().replaceFirst("sig=.", "sig=A");
        mvc.perform(get(URI.create(signed.getRawPath() + "?" + tampered))).andExpect(status().isNotFound());

        clock.advance(Duration.ofHours(2)); // past the URL's expiry (1 h lifetime)
        mvc.perform(get(URI.create(signed.getRawPath() + "?" + signed.getRawQuery()))).andExpect(status().isNotFound());
    }

    @Test
    void anotherUsersJobAndImageAreNotFound() throws Exception {
        UUID jobId = submit(aliceKey, "{\"prompt\":\"mine\"}");
        JobView job = generation.find(jobId, new Viewer(alice.id(), false)).orElseThrow();
        UUID imageId = TestImages.complete(queue, generation, job, alice);
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        String bobKey = keys.create(bob.id(), "bob's", EnumSet.allOf(ApiScope.class)).secret();

        mvc.perform(as(bobKey, get("/api/v1/jobs/" + jobId))).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("/api/v1/problems/not-found"));
        mvc.perform(as(bobKey, post("/api/v1/jobs/" + jobId + "/cancel"))).andExpect(status().isNotFound());
        mvc.perform(as(bobKey, get("/api/v1/jobs"))).andExpect(jsonPath("$.data", hasSize(0)));

        // a URL signed for Bob's viewer id is not valid for Alice's image: the signature covers the viewer
        String aliceUrl = JsonPath.read(mvc.perform(as(aliceKey, get("/api/v1/jobs/" + jobId)))
                .andReturn().getResponse().getContentAsString(), "$.images[0].url");
        URI asBob = URI.create(URI.create(aliceUrl).getRawPath() + "?"
                + URI.create(aliceUrl).getRawQuery().replaceFirst("v=\\d+", "v=" + bob.id()));
        mvc.perform(get(asBob)).andExpect(status().isNotFound());
        assertThat(imageId).isNotNull();
    }

    @Test
    void theSameIdempotencyKeyTwiceMakesOneJobAndOneHold() throws Exception {
        String body = "{\"prompt\":\"once\",\"seed\":42}";
        MvcResult first = mvc.perform(as(aliceKey, post("/api/v1/jobs")).header("Idempotency-Key", "order-42")
                .contentType(MediaType.APPLICATION_JSON).content(body)).andExpect(status().isCreated()).andReturn();
        MvcResult again = mvc.perform(as(aliceKey, post("/api/v1/jobs")).header("Idempotency-Key", "order-42")
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isOk())
                .andExpect(header().string("Idempotent-Replayed", "true")).andReturn();
        assertThat((String) JsonPath.read(again.getResponse().getContentAsString(), "$.id"))
                .isEqualTo(JsonPath.read(first.getResponse().getContentAsString(), "$.id"));
        assertThat(count("SELECT count(*) FROM generation_job")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM credit_hold")).isEqualTo(1);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(19, 1));

        mvc.perform(as(aliceKey, post("/api/v1/jobs")).header("Idempotency-Key", "order-42")
                        .contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"something else\"}"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.type").value("/api/v1/problems/idempotency-key-reused"));
        assertThat(count("SELECT count(*) FROM generation_job")).isEqualTo(1);
    }

    @Test
    void anIdempotencyKeyIsForgottenAfterADay() throws Exception {
        String body = "{\"prompt\":\"daily\"}";
        UUID first = UUID.fromString(JsonPath.read(mvc.perform(as(aliceKey, post("/api/v1/jobs"))
                .header("Idempotency-Key", "daily").contentType(MediaType.APPLICATION_JSON).content(body))
                .andReturn().getResponse().getContentAsString(), "$.id"));
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        UUID second = UUID.fromString(JsonPath.read(mvc.perform(as(aliceKey, post("/api/v1/jobs"))
                        .header("Idempotency-Key", "daily").contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(), "$.id"));
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void concurrentRequestsWithTheSameIdempotencyKeyMakeOneJob() throws Exception {
        List<Integer> statuses = Races.race(8, () -> mvc.perform(as(aliceKey, post("/api/v1/jobs"))
                        .header("Idempotency-Key", "double-click").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"prompt\":\"raced\"}"))
                .andReturn().getResponse().getStatus());
        assertThat(statuses).containsOnly(200, 201).filteredOn(s -> s == 201).hasSize(1);
        assertThat(count("SELECT count(*) FROM generation_job")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM credit_hold")).isEqualTo(1);
    }

    @Test
    void aRefusedSubmitLeavesItsIdempotencyKeyFreeForTheFixedRequest() throws Exception {
        mvc.perform(as(aliceKey, post("/api/v1/jobs")).header("Idempotency-Key", "fix-me")
                        .contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"x\",\"width\":7}"))
                .andExpect(status().isBadRequest());
        mvc.perform(as(aliceKey, post("/api/v1/jobs")).header("Idempotency-Key", "fix-me")
                        .contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"x\",\"width\":512}"))
                .andExpect(status().isCreated());
    }

    @Test
    void aRevokedKeyAndAnUnknownKeyAreUnauthenticated() throws Exception {
        long keyId = keys.list(alice.id()).getFirst().id();
        keys.revoke(alice.id(), keyId);
        for (String key : List.of(aliceKey, "t2i_" + "A".repeat(43), "nonsense", "")) {
            mvc.perform(as(key, get("/api/v1/balance")))
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string("WWW-Authenticate", startsWith("Bearer")))
                    .andExpect(jsonPath("$.type").value("/api/v1/problems/unauthenticated"));
        }
        mvc.perform(get("/api/v1/balance")).andExpect(status().isUnauthorized());
    }

    @Test
    void aKeyOfADisabledAccountIsUnauthenticated() throws Exception {
        db.jdbc().sql("UPDATE app_user SET disabled_at = now() WHERE id = ?").param(alice.id()).update();
        mvc.perform(as(aliceKey, get("/api/v1/balance"))).andExpect(status().isUnauthorized());
    }

    @Test
    void aReadOnlyKeyMayReadButNotSubmitOrCancel() throws Exception {
        String readOnly = keys.create(alice.id(), "dashboard", Set.of(ApiScope.READ)).secret();
        UUID jobId = submit(aliceKey, "{\"prompt\":\"queued\"}");
        mvc.perform(as(readOnly, get("/api/v1/jobs/" + jobId))).andExpect(status().isOk());
        mvc.perform(as(readOnly, post("/api/v1/jobs")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"prompt\":\"not allowed\"}"))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value("/api/v1/problems/insufficient-scope"));
        mvc.perform(as(readOnly, post("/api/v1/jobs/" + jobId + "/cancel"))).andExpect(status().isForbidden());
        String generateOnly = keys.create(alice.id(), "bot", Set.of(ApiScope.GENERATE)).secret();
        mvc.perform(as(generateOnly, get("/api/v1/balance"))).andExpect(status().isForbidden());
        assertThat(count("SELECT count(*) FROM generation_job")).isEqualTo(1);
    }

    @Test
    void cancellingGivesTheCreditsBackAndASecondCancelIsAConflict() throws Exception {
        UUID jobId = submit(aliceKey, "{\"prompt\":\"never mind\",\"model\":\"sdxl\"}");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(17, 3));
        mvc.perform(as(aliceKey, post("/api/v1/jobs/" + jobId + "/cancel")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("cancelled"))
                .andExpect(jsonPath("$.cost.released_credits").value(3));
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        mvc.perform(as(aliceKey, post("/api/v1/jobs/" + jobId + "/cancel")))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("/api/v1/problems/not-cancellable"));
    }

    @Test
    void jobsArePagedByCursorAndFiltered() throws Exception {
        for (int i = 0; i < 5; i++) {
            submit(aliceKey, "{\"prompt\":\"job " + i + "\"}");
            clock.advance(Duration.ofSeconds(1));
        }
        UUID cancelled = submit(aliceKey, "{\"prompt\":\"job 5\"}");
        generation.cancel(cancelled, alice.id());

        MvcResult first = mvc.perform(as(aliceKey, get("/api/v1/jobs?limit=4")))
                .andExpect(jsonPath("$.data", hasSize(4)))
                .andExpect(jsonPath("$.data[0].prompt").value("job 5"))
                .andExpect(jsonPath("$.data[3].prompt").value("job 2")).andReturn();
        String cursor = JsonPath.read(first.getResponse().getContentAsString(), "$.next_cursor");
        mvc.perform(as(aliceKey, get("/api/v1/jobs").param("limit", "4").param("cursor", cursor)))
                .andExpect(jsonPath("$.data", hasSize(2)))
                .andExpect(jsonPath("$.data[0].prompt").value("job 1"))
                .andExpect(jsonPath("$.next_cursor").doesNotExist());
        mvc.perform(as(aliceKey, get("/api/v1/jobs?status=cancelled")))
                .andExpect(jsonPath("$.data", hasSize(1)))
                .andExpect(jsonPath("$.data[0].id").value(cancelled.toString()));
        mvc.perform(as(aliceKey, get("/api/v1/jobs?status=queued,running&model=sd15")))
                .andExpect(jsonPath("$.data", hasSize(5)));
        for (String bad : List.of("limit=0", "limit=101", "limit=x", "status=done", "cursor=bm9wZQ", "cursor=%25%25",
                "created_after=yesterday")) {
            mvc.perform(as(aliceKey, get(URI.create("/api/v1/jobs?" + bad))))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("/api/v1/problems/invalid-request"));
        }
    }

    @Test
    void balanceHistoryAndModelsAreReadable() throws Exception {
        submit(aliceKey, "{\"prompt\":\"spend\",\"model\":\"sdxl\"}");
        mvc.perform(as(aliceKey, get("/api/v1/balance")))
                .andExpect(jsonPath("$.available_credits").value(17))
                .andExpect(jsonPath("$.held_credits").value(3));
        MvcResult page = mvc.perform(as(aliceKey, get("/api/v1/credits/history?limit=1")))
                .andExpect(jsonPath("$.data", hasSize(1)))
                .andExpect(jsonPath("$.data[0].kind").value("hold"))
                .andExpect(jsonPath("$.data[0].available_change").value(-3)).andReturn();
        String cursor = JsonPath.read(page.getResponse().getContentAsString(), "$.next_cursor");
        mvc.perform(as(aliceKey, get("/api/v1/credits/history").param("cursor", cursor)))
                .andExpect(jsonPath("$.data", hasSize(1)))
                .andExpect(jsonPath("$.data[0].kind").value("grant"))
                .andExpect(jsonPath("$.next_cursor").doesNotExist());
        mvc.perform(as(aliceKey, get("/api/v1/models")))
                .andExpect(jsonPath("$.data[?(@.id == 'sdxl')].cost_credits_per_image").value(3))
                .andExpect(jsonPath("$.data[?(@.id == 'sd15')].allowed").value(true))
                .andExpect(jsonPath("$.limits.plan").value("free"))
                .andExpect(jsonPath("$.limits.max_batch_size", is(1)));
    }

    @Test
    void everyBadRequestIsAProblemAndWritesNothing() throws Exception {
        List<String> bodies = List.of(
                "{}",
                "{\"prompt\":\"\"}",
                "{\"prompt\":\"" + "p".repeat(5000) + "\"}",
                "{\"prompt\":\"x\",\"model\":\"no-such-model\"}",
                "{\"prompt\":\"x\",\"width\":7}",
                "{\"prompt\":\"x\",\"width\":100000}",
                "{\"prompt\":\"x\",\"height\":-8}",
                "{\"prompt\":\"x\",\"batch_size\":0}",
                "{\"prompt\":\"x\",\"batch_size\":99}",
                "{\"prompt\":\"x\",\"seed\":-1}",
                "{\"prompt\":\"x\",\"steps\":100000}",
                "{\"prompt\":\"x\",\"cfg_scale\":-3}",
                "{\"prompt\":\"x\",\"sampler\":\"not-a-sampler\"}",
                "{\"prompt\":\"x\",\"scheduler\":\"not-a-scheduler\"}",
                "{\"prompt\":\"x\",\"cfg\":7}");
        for (String body : bodies) {
            mvc.perform(as(aliceKey, post("/api/v1/jobs")).contentType(MediaType.APPLICATION_JSON).content(body))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("/api/v1/problems/invalid-request"))
                    .andExpect(jsonPath("$.errors").isMap());
        }
        List<String> malformed = List.of("not json", "{\"prompt\":", "[1,2]", "\"prompt\"", "{\"prompt\":\"a\\u0000b\"}",
                "{\"prompt\":\"x\",\"width\":\"wide\"}", "{\"prompt\":\"x\",\"seed\":1e999}");
        for (String body : malformed) {
            mvc.perform(as(aliceKey, post("/api/v1/jobs")).contentType(MediaType.APPLICATION_JSON).content(body))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("/api/v1/problems/malformed-request"));
        }
        mvc.perform(as(aliceKey, post("/api/v1/jobs")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"prompt\":\"" + "p".repeat(70_000) + "\"}"))
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.type").value("/api/v1/problems/body-too-large"));
        mvc.perform(as(aliceKey, post("/api/v1/jobs")).contentType(MediaType.TEXT_PLAIN).content("prompt=x"))
                .andExpect(status().isUnsupportedMediaType());
        mvc.perform(as(aliceKey, post("/api/v1/jobs")).header("Idempotency-Key", "has space")
                        .contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"x\"}"))
                .andExpect(status().isBadRequest());
        mvc.perform(as(aliceKey, get("/api/v1/jobs/not-a-uuid"))).andExpect(status().isBadRequest());
        mvc.perform(as(aliceKey, get("/api/v1/no-such-endpoint"))).andExpect(status().isNotFound());

        assertThat(count("SELECT count(*) FROM generation_job")).isZero();
        assertThat(count("SELECT count(*) FROM api_idempotency")).isZero();
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
    }

    @Test
    void aJobThePriceOfWhichExceedsTheBalanceIsRefusedWithTheFigures() throws Exception {
        for (int i = 0; i < 6; i++) { // 6 × 3 credits held: 2 left
            generation.submit(alice.id(), GenerationRequest.of("sdxl", "earlier"));
        }
        mvc.perform(as(aliceKey, post("/api/v1/jobs")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"prompt\":\"too dear\",\"model\":\"sdxl\"}"))
                .andExpect(status().isPaymentRequired())
                .andExpect(jsonPath("$.type").value("/api/v1/problems/insufficient-credits"))
                .andExpect(jsonPath("$.required_credits").value(3))
                .andExpect(jsonPath("$.available_credits").value(2));
        assertThat(count("SELECT count(*) FROM generation_job")).isEqualTo(6);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(2, 18));
    }

    @Test
    void anUnknownPathAWrongMethodAndAWrongMediaTypeAreProblemsWithATypeOverHttp() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        record Call(String method, String path, String contentType, int status, String type) {
        }
        for (Call call : List.of(
                new Call("GET", "/api/v1/no-such-endpoint", null, 404, "not-found"),
                new Call("DELETE", "/api/v1/jobs", null, 405, "unsupported"),
                new Call("POST", "/api/v1/jobs", "text/plain", 415, "unsupported"))) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call.path()))
                    .header("Authorization", "Bearer " + aliceKey)
                    .method(call.method(), HttpRequest.BodyPublishers.ofString("prompt=x"));
            if (call.contentType() != null) {
                request.header("Content-Type", call.contentType());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(call.toString()).isEqualTo(call.status());
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat((String) JsonPath.read(response.body(), "$.type")).isEqualTo("/api/v1/problems/" + call.type());
        }
        assertThat(count("SELECT count(*) FROM generation_job")).isZero();
    }

    private UUID submit(String key, String body) throws Exception {
        return UUID.fromString(JsonPath.read(mvc.perform(as(key, post("/api/v1/jobs"))
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(), "$.id"));
    }

    private static MockHttpServletRequestBuilder as(String key, MockHttpServletRequestBuilder request) {
        return request.header("Authorization", "Bearer " + key);
    }

    private long count(String sql) {
        return db.jdbc().sql(sql).query(Long.class).single();
    }
}
