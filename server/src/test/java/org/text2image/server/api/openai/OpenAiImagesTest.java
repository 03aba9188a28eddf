package org.text2image.server.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiScope;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * The OpenAI-compatible endpoints under /v1 (docs/API.md, "OpenAI-compatible endpoints"): OpenAI's
 * request and response shapes for images and models, the wait for the job with its 202 fallback,
 * and OpenAI's error shape for every refusal, which writes nothing. The test plans of
 * {@code ApiPlanRulesTest} (and its Spring context): Free is basic with one image a request,
 * Starter allows four; the site allows 32.
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.plans.file=src/test/resources/config/plans-enforced.json",
        "text2image.catalog.models-file=src/test/resources/config/models-enforced.json",
        "text2image.generation.max-batch-size=32"
})
class OpenAiImagesTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired ApiKeys keys;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired CreditStatements statements;
    @Autowired CreditLedger ledger;
    @Autowired LedgerInvariants invariants;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired TransactionTemplate tx;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;
    @Autowired JobWaits waits;
    @LocalServerPort int port;

    /** On the Free plan: one image a request, the basic settings. */
    SignedInUser alice;
    String aliceKey;
    /** On the Starter plan: up to four images a request. */
    SignedInUser bob;
    String bobKey;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        clock.freeze();
        // On a whole microsecond, as PostgreSQL stores it: a term starting "now" has started now.
        clock.advance(Duration.ofNanos((1000 - clock.instant().getNano() % 1000) % 1000));
        alice = accounts.register("alice@example.com", "correct horse");
        aliceKey = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class)).secret();
        bob = accounts.register("bob@example.com", "correct horse");
        terms.apply(bob.id(), plans.find("starter").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
        bobKey = keys.create(bob.id(), "sdk", EnumSet.allOf(ApiScope.class)).secret();
    }

    @AfterEach
    void booksBalance() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void twoImagesComeBackAsBase64PngsInOpenAisResponseOnceTheJobEnds() throws Exception {
        MvcResult waiting = generate(bobKey, """
                {"model": "sd15", "prompt": "a lighthouse at dusk", "n": 2, "size": "512x512",
                 "response_format": "b64_json"}""")
                .andExpect(request().asyncStarted()).andReturn();
        JobView job = onlyJobOf(bob);
        assertThat(job.parameters().batchSize()).isEqualTo(2);
        assertThat(job.parameters().width()).isEqualTo(512);
        TestImages.complete(queue, generation, job, bob);

        String body = mvc.perform(asyncDispatch(waiting))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.created").value(job.createdAt().getEpochSecond()))
                .andExpect(jsonPath("$.data", hasSize(2)))
                .andExpect(jsonPath("$.data[0].url").doesNotExist())
                .andExpect(jsonPath("$.data[0].revised_prompt").doesNotExist())
                .andReturn().getResponse().getContentAsString();
        for (int i = 0; i < 2; i++) {
            byte[] png = Base64.getDecoder().decode((String) JsonPath.read(body, "$.data[" + i + "].b64_json"));
            assertThat(png).startsWith(PNG_SIGNATURE);
        }
        assertThat(statements.balance(bob.id()).heldCredits()).isZero();
    }

    @Test
    void theDefaultFormatIsASignedUrlThatWorksWithoutAKeyOrSession() throws Exception {
        MvcResult waiting = generate(bobKey, "{\"prompt\": \"a lighthouse\", \"n\": 2}")
                .andExpect(request().asyncStarted()).andReturn();
        JobView job = onlyJobOf(bob);
        assertThat(job.parameters().modelId()).as("the Generate form's default model").isEqualTo("sd15");
        TestImages.complete(queue, generation, job, bob);

        String body = mvc.perform(asyncDispatch(waiting))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data", hasSize(2)))
                .andExpect(jsonPath("$.data[1].b64_json").doesNotExist())
                .andReturn().getResponse().getContentAsString();
        for (int i = 0; i < 2; i++) {
            URI url = URI.create(JsonPath.read(body, "$.data[" + i + "].url"));
            assertThat(url.getScheme() + "://" + url.getHost()).isEqualTo("http://localhost");
            byte[] png = mvc.perform(get(URI.create(url.getRawPath() + "?" + url.getRawQuery())))
                    .andExpect(status().isOk())
                    .andExpect(content().contentType("image/png"))
                    .andReturn().getResponse().getContentAsByteArray();
            assertThat(png).startsWith(PNG_SIGNATURE);
        }
    }

    @Test
    void theRequestOfOpenAisSdksIsAcceptedOverHttpWithTheirExtraFields() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        // What openai-python's client.images.generate(...) sends, with fields this server ignores
        HttpRequest sdkRequest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/images/generations"))
                .header("Authorization", "Bearer " + bobKey)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("User-Agent", "OpenAI/Python 1.99.9")
                .header("X-Stainless-Lang", "python")
                .header("X-Stainless-Retry-Count", "0")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"prompt": "a red fox in snow", "model": "sd15", "n": 1, "size": "512x512",
                         "quality": "hd", "style": "vivid", "user": "user-1234", "moderation": "low",
                         "response_format": "url"}"""))
                .build();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(sdkRequest, HttpResponse.BodyHandlers.ofString());
        JobView job = awaitJobOf(bob, answer);
        TestImages.complete(queue, generation, job, bob);

        HttpResponse<String> response = answer.get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/json"));
        List<String> urls = JsonPath.read(response.body(), "$.data[*].url");
        assertThat(urls).hasSize(1);
        assertThat(urls.getFirst()).startsWith("http://127.0.0.1:" + port + "/i/");
        HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(urls.getFirst())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).startsWith(PNG_SIGNATURE);
    }

    @Test
    void aJobStillQueuedWhenTheWaitIsOverIsA202PointingAtTheRestJob() throws Exception {
        MvcResult waiting = generate(bobKey, "{\"prompt\": \"slow\"}").andExpect(request().asyncStarted()).andReturn();
        JobView job = onlyJobOf(bob);
        clock.advance(OpenAiProperties.DEFAULT_WAIT); // the wait is over by the server's clock

        mvc.perform(asyncDispatch(waiting))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/jobs/" + job.id()))
                .andExpect(jsonPath("$.id").value(job.id().toString()))
                .andExpect(jsonPath("$.status").value("queued"))
                .andExpect(jsonPath("$.url").value("/api/v1/jobs/" + job.id()))
                .andExpect(jsonPath("$.data", hasSize(0)));
        mvc.perform(get("/api/v1/jobs/" + job.id()).header("Authorization", "Bearer " + bobKey))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("queued"))
                .andExpect(jsonPath("$.cost.held_credits").value(1));
    }

    @Test
    void aServerShuttingDownAnswersEveryWaitingRequestAtOnceWithA202() throws Exception {
        MvcResult waiting = generate(bobKey, "{\"prompt\": \"interrupted\"}")
                .andExpect(request().asyncStarted()).andReturn();
        JobView job = onlyJobOf(bob);
        try {
            waits.stop(); // what the application context does first when it closes
            mvc.perform(asyncDispatch(waiting))
                    .andExpect(status().isAccepted())
                    .andExpect(header().string("Location", "/api/v1/jobs/" + job.id()));
            MvcResult late = generate(bobKey, "{\"prompt\": \"too late to wait\"}").andReturn();
            mvc.perform(asyncDispatch(late)).andExpect(status().isAccepted());
        } finally {
            waits.start();
        }
        assertThat(count("SELECT count(*) FROM generation_job WHERE status = 'QUEUED'")).isEqualTo(2);
    }

    @Test
    void aFailedJobIsA502GenerationFailedAndACancelledOneA409WithNothingCharged() throws Exception {
        MvcResult failing = generate(bobKey, "{\"prompt\": \"doomed\"}").andExpect(request().asyncStarted()).andReturn();
        JobView job = onlyJobOf(bob);
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.fail(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, "Checkpoint not found", false);
        mvc.perform(asyncDispatch(failing))
                .andExpect(status().isBadGateway())
                .andExpect(header().string("x-should-retry", "false"))
                .andExpect(jsonPath("$.error.type").value("server_error"))
                .andExpect(jsonPath("$.error.code").value("generation_failed"))
                .andExpect(jsonPath("$.error.param", nullValue()))
                .andExpect(jsonPath("$.error.message").value(org.hamcrest.Matchers.allOf(
                        org.hamcrest.Matchers.containsString(job.id().toString()),
                        org.hamcrest.Matchers.containsString("Checkpoint not found"))));

        MvcResult cancelling = generate(bobKey, "{\"prompt\": \"never mind\"}")
                .andExpect(request().asyncStarted()).andReturn();
        UUID second = db.jdbc().sql("SELECT id FROM generation_job WHERE id <> ?").param(job.id())
                .query(UUID.class).single();
        generation.cancel(second, bob.id());
        mvc.perform(asyncDispatch(cancelling))
                .andExpect(status().isConflict())
                .andExpect(header().string("x-should-retry", "false"))
                .andExpect(jsonPath("$.error.code").value("job_cancelled"));
        assertThat(statements.balance(bob.id()).heldCredits()).isZero();
    }

    @Test
    void theSameIdempotencyKeyTwiceMakesOneJobAndTheRepeatAnswersWithItsImages() throws Exception {
        String body = "{\"prompt\": \"once\", \"response_format\": \"b64_json\"}";
        MvcResult first = mvc.perform(post("/v1/images/generations").header("Authorization", "Bearer " + bobKey)
                        .header("Idempotency-Key", "order-7").contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(request().asyncStarted()).andReturn();
        TestImages.complete(queue, generation, onlyJobOf(bob), bob);
        mvc.perform(asyncDispatch(first)).andExpect(status().isOk()).andExpect(jsonPath("$.data", hasSize(1)));

        MvcResult again = mvc.perform(post("/v1/images/generations").header("Authorization", "Bearer " + bobKey)
                        .header("Idempotency-Key", "order-7").contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(request().asyncStarted()).andReturn();
        mvc.perform(asyncDispatch(again)).andExpect(status().isOk()).andExpect(jsonPath("$.data", hasSize(1)));
        assertThat(count("SELECT count(*) FROM generation_job")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM credit_hold")).isEqualTo(1);

        refused(bobKey, "{\"prompt\": \"something else\"}", "Idempotency-Key", "order-7")
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.error.code").value("idempotency_key_reused"));
        assertThat(count("SELECT count(*) FROM generation_job")).isEqualTo(1);
    }

    @Test
    void everyBadFieldIsA400InOpenAisShapeNamingTheParamAndWritesNothing() throws Exception {
        record Bad(String body, String param, String code) {
        }
        for (Bad bad : List.of(
                new Bad("{}", "prompt", "invalid_value"),
                new Bad("{\"prompt\": \"\"}", "prompt", "invalid_value"),
                new Bad("{\"model\": \"sd15\"}", "prompt", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"size\": \"512\"}", "size", "invalid_size"),
                new Bad("{\"prompt\": \"x\", \"size\": \"512X512\"}", "size", "invalid_size"),
                new Bad("{\"prompt\": \"x\", \"size\": \"512x512x2\"}", "size", "invalid_size"),
                new Bad("{\"prompt\": \"x\", \"size\": \" 512x512\"}", "size", "invalid_size"),
                new Bad("{\"prompt\": \"x\", \"size\": \"-8x8\"}", "size", "invalid_size"),
                new Bad("{\"prompt\": \"x\", \"size\": \"0512x512\"}", "size", "invalid_size"),
                new Bad("{\"prompt\": \"x\", \"size\": \"1024x1024x\"}", "size", "invalid_size"),
                new Bad("{\"prompt\": \"x\", \"size\": \"big\"}", "size", "invalid_size"),
                new Bad("{\"prompt\": \"x\", \"size\": \"8x8\"}", "size", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"size\": \"99999x512\"}", "size", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"n\": 0}", "n", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"n\": -1}", "n", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"n\": 33}", "n", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"n\": \"two\"}", "n", "invalid_type"),
                new Bad("{\"prompt\": \"x\", \"n\": 99999999999999999999}", "n", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"seed\": 1e400}", "seed", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"response_format\": \"png\"}", "response_format", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"steps\": 100000}", "steps", "invalid_value"),
                new Bad("{\"prompt\": \"x\", \"sampler\": \"no-such\"}", "sampler", "invalid_value"))) {
            refused(bobKey, bad.body())
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                    .andExpect(header().string("x-should-retry", "false"))
                    .andExpect(jsonPath("$.error.type").value("invalid_request_error"))
                    .andExpect(jsonPath("$.error.param").value(bad.param()))
                    .andExpect(jsonPath("$.error.code").value(bad.code()))
                    .andExpect(jsonPath("$.error.message").isNotEmpty());
        }
        for (String malformed : List.of("not json", "{\"prompt\":", "[1,2]", "\"prompt\"", "")) {
            refused(bobKey, malformed)
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.type").value("invalid_request_error"))
                    .andExpect(jsonPath("$.error.code").value("invalid_json"))
                    .andExpect(jsonPath("$.error.param", nullValue()));
        }
        refused(bobKey, "{\"prompt\": \"x\", \"model\": \"dall-e-3\"}")
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error.type").value("invalid_request_error"))
                .andExpect(jsonPath("$.error.code").value("model_not_found"))
                .andExpect(jsonPath("$.error.param").value("model"));
        refused(bobKey, "{\"prompt\": \"" + "p".repeat(70_000) + "\"}")
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.error.code").value("request_too_large"));
        refused(bobKey, "{\"prompt\": \"x\"}", "Idempotency-Key", "has space")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("invalid_idempotency_key"));
        nothingWritten(bob, new Balance(520, 0));
    }

    @Test
    void whatThePlanDoesNotAllowIsA403PlanRestrictedNamingTheParam() throws Exception {
        for (String[] refusal : List.of(
                new String[] {"{\"prompt\": \"x\", \"n\": 2}", "n"},
                new String[] {"{\"prompt\": \"x\", \"model\": \"sdxl\"}", "model"},
                new String[] {"{\"prompt\": \"x\", \"steps\": 30}", "steps"})) {
            refused(aliceKey, refusal[0])
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.error.type").value("permission_error"))
                    .andExpect(jsonPath("$.error.code").value("plan_restricted"))
                    .andExpect(jsonPath("$.error.param").value(refusal[1]))
                    .andExpect(jsonPath("$.error.message").value(org.hamcrest.Matchers.containsString("plan")));
        }
        nothingWritten(alice, new Balance(20, 0));
    }

    @Test
    void tooFewCreditsIsA402InsufficientQuotaAndWritesNothing() throws Exception {
        tx.executeWithoutResult(status -> ledger.debit(alice.id(), 20, "test:spend-all", "Spent elsewhere"));
        refused(aliceKey, "{\"prompt\": \"x\"}")
                .andExpect(status().isPaymentRequired())
                .andExpect(header().string("x-should-retry", "false"))
                .andExpect(jsonPath("$.error.type").value("insufficient_quota"))
                .andExpect(jsonPath("$.error.code").value("insufficient_quota"))
                .andExpect(jsonPath("$.error.message").value(org.hamcrest.Matchers.containsString("you have 0 available")));
        nothingWritten(alice, new Balance(0, 0));
    }

    @Test
    void aWrongKeyIs401InvalidApiKeyAndAKeyWithoutGenerateA403() throws Exception {
        for (String key : List.of("t2i_" + "A".repeat(43), "sk-not-ours")) {
            refused(key, "{\"prompt\": \"x\"}")
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer")))
                    .andExpect(jsonPath("$.error.code").value("invalid_api_key"))
                    .andExpect(jsonPath("$.error.param", nullValue()));
        }
        String readOnly = keys.create(alice.id(), "viewer", Set.of(ApiScope.READ)).secret();
        refused(readOnly, "{\"prompt\": \"x\"}")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error.type").value("permission_error"))
                .andExpect(jsonPath("$.error.code").value("insufficient_scope"));
        nothingWritten(alice, new Balance(20, 0));
    }

    @Test
    void theModelsAreListedInOpenAisShape() throws Exception {
        List<String> enabled = generation.models().stream().map(model -> model.id()).toList();
        String list = mvc.perform(get("/v1/models").header("Authorization", "Bearer " + aliceKey))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.object").value("list"))
                .andExpect(jsonPath("$.data", hasSize(enabled.size())))
                .andExpect(jsonPath("$.data[0].id").value("sd15"))
                .andExpect(jsonPath("$.data[0].object").value("model"))
                .andExpect(jsonPath("$.data[0].owned_by").value("text2image"))
                .andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<List<String>>read(list, "$.data[*].id")).containsExactlyElementsOf(enabled)
                .doesNotContain("retired");
        assertThat(JsonPath.<List<Number>>read(list, "$.data[*].created")).allSatisfy(created ->
                assertThat(created.longValue()).isPositive());
        mvc.perform(get("/v1/models/sdxl").header("Authorization", "Bearer " + aliceKey))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value("sdxl"))
                .andExpect(jsonPath("$.object").value("model"));
        for (String unknown : List.of("dall-e-3", "retired")) {
            mvc.perform(get("/v1/models/" + unknown).header("Authorization", "Bearer " + aliceKey))
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.error.type").value("invalid_request_error"))
                    .andExpect(jsonPath("$.error.code").value("model_not_found"));
        }
    }

    @Test
    void errorsNoControllerAnswersAreOpenAiErrorsOverHttp() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        record Call(String method, String path, String contentType, String body, int status, String code,
                    String param) {
            Call(String method, String path, String contentType, String body, int status, String code) {
                this(method, path, contentType, body, status, code, null);
            }
        }
        for (Call call : List.of(
                new Call("GET", "/v1/no-such-endpoint", null, "", 404, "not_found"),
                new Call("GET", "/v1/images/generations", null, "", 405, "method_not_allowed"),
                new Call("POST", "/v1/images/generations", "text/plain", "prompt=x", 415, "unsupported_media_type"),
                new Call("POST", "/v1/images/generations", "application/json", "{\"prompt\":", 400, "invalid_json"),
                new Call("POST", "/v1/images/generations", "application/json", "{\"prompt\": \"x\", \"size\": \"a\"}",
                        400, "invalid_size", "size"))) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call.path()))
                    .header("Authorization", "Bearer " + bobKey)
                    .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body()));
            if (call.contentType() != null) {
                request.header("Content-Type", call.contentType());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(call + " → " + response.body()).isEqualTo(call.status());
            assertThat(response.headers().firstValue("Content-Type")).as(call.toString())
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat((String) JsonPath.read(response.body(), "$.error.code")).as(call.toString()).isEqualTo(call.code());
            assertThat((String) JsonPath.read(response.body(), "$.error.message")).as(call.toString()).isNotBlank();
            assertThat((Object) JsonPath.read(response.body(), "$.error.param")).as(call.toString()).isEqualTo(call.param());
        }
        HttpResponse<String> noKey = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat((String) JsonPath.read(noKey.body(), "$.error.code")).isEqualTo("invalid_api_key");
        nothingWritten(bob, new Balance(520, 0));
    }

    private ResultActions generate(String key, String body) throws Exception {
        return mvc.perform(post("/v1/images/generations").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    /** A request that must be refused at once: no wait, no job. */
    private ResultActions refused(String key, String body, String... headers) throws Exception {
        var request = post("/v1/images/generations").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).content(body);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return mvc.perform(request).andExpect(request().asyncNotStarted());
    }

    private JobView onlyJobOf(SignedInUser user) {
        UUID id = db.jdbc().sql("SELECT id FROM generation_job WHERE user_id = ?").param(user.id())
                .query(UUID.class).single();
        return generation.find(id, new Viewer(user.id(), false)).orElseThrow();
    }

    /** The user's one job once the server has made it; fails if the request ends first. */
    private JobView awaitJobOf(SignedInUser user, CompletableFuture<HttpResponse<String>> request) throws Exception {
        while (count("SELECT count(*) FROM generation_job WHERE user_id = " + user.id()) == 0) {
            if (request.isDone()) {
                throw new AssertionError("The request ended without a job: " + request.get().statusCode() + " "
                        + request.get().body());
            }
            Thread.sleep(20);
        }
        return onlyJobOf(user);
    }

    private void nothingWritten(SignedInUser user, Balance balance) {
        assertThat(count("SELECT count(*) FROM generation_job")).isZero();
        assertThat(count("SELECT count(*) FROM credit_hold")).isZero();
        assertThat(count("SELECT count(*) FROM api_idempotency")).isZero();
        assertThat(count("SELECT count(*) FROM api_job")).isZero();
        assertThat(statements.balance(user.id())).isEqualTo(balance);
    }

    private long count(String sql) {
        return db.jdbc().sql(sql).query(Long.class).single();
    }
}
