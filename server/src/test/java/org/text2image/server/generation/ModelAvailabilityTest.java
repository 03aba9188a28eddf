package org.text2image.server.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/** Models the fleet cannot run: refused at submit when no worker offered them lately, flagged on the job page. */
@PageTest
class ModelAvailabilityTest {

    private static final String SD15 = "v1-5-pruned-emaonly.safetensors";
    private static final String SDXL = "sd_xl_base_1.0.safetensors";

    @LocalServerPort int port;
    @Autowired MockMvc mvc;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();
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
    void aFreshInstallWithNoWorkerAcceptsEveryModel() {
        assertThat(generation.submit(alice.id(), request("sdxl")).status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void refusesAModelNoWorkerOfferedLatelyAndWritesNothing() throws Exception {
        workerReports("gpu-1", SD15);
        assertThatThrownBy(() -> generation.submit(alice.id(), request("sdxl")))
                .isInstanceOf(InvalidGenerationRequestException.class)
                .satisfies(e -> assertThat(((InvalidGenerationRequestException) e).fieldErrors())
                        .containsEntry("modelId", "No GPU worker has offered SDXL lately, so it cannot run now. Pick another model."));
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isZero();
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));

        assertThat(generation.submit(alice.id(), request("sd15")).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(generation.submit(alice.id(), request("modelfree")).status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void aWorkerWhoseComfyUiListsNoCheckpointsCanRunOnlyModelsThatNeedNone() throws Exception {
        workerReports("gpu-empty");

        assertThatThrownBy(() -> generation.submit(alice.id(), request("sd15")))
                .isInstanceOf(InvalidGenerationRequestException.class)
                .hasMessage("No GPU worker has offered Stable Diffusion 1.5 lately, so it cannot run now. Pick another model.");
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isZero();
        assertThat(generation.submit(alice.id(), request("modelfree")).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(queue.claim("gpu-empty", List.of())).isPresent();
    }

    @Test
    void aWorkerWhoseComfyUiNeverAnsweredDoesNotMakeModelsUnavailable() throws Exception {
        claim("gpu-starting", false);
        assertThat(generation.submit(alice.id(), request("sd15")).status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void theGenerateFormMarksAModelNoWorkerCanRunAsUnavailable() throws Exception {
        workerReports("gpu-15", SD15);
        String html = mvc.perform(get("/generate").with(user(alice))).andReturn().getResponse().getContentAsString();
        assertThat(html).containsPattern("<option value=\"sdxl\"[^>]*disabled[^>]*>[^<]*no GPU worker has it")
                .doesNotContainPattern("<option value=\"sd15\"[^>]*disabled");
    }

    @Test
    void theJobPageSaysWhenNoOnlineWorkerHasTheModel() throws Exception {
        workerReports("gpu-xl", SDXL);
        clock.advance(Duration.ofMinutes(5)); // gpu-xl is offline now, but offered SDXL within the hour
        workerReports("gpu-15", SD15);
        JobView job = generation.submit(alice.id(), request("sdxl"));
        assertThat(job.noWorkerHasModel()).isTrue();

        String status = mvc.perform(get("/jobs/" + job.id() + "/status").with(user(alice)))
                .andReturn().getResponse().getContentAsString();
        assertThat(status).contains("No online GPU worker has SDXL installed right now");

        JobView sd15Job = generation.submit(alice.id(), request("sd15"));
        assertThat(sd15Job.noWorkerHasModel()).isFalse();
    }

    private static GenerationRequest request(String modelId) {
        return GenerationRequest.of(modelId, "a lighthouse");
    }

    /** A worker's claim over the real worker API, listing its checkpoints (no job is queued, so it gets 204). */
    private void workerReports(String name, String... checkpoints) throws Exception {
        claim(name, true, checkpoints);
    }

    private void claim(String name, boolean backendReachable, String... checkpoints) throws Exception {
        String list = checkpoints.length == 0 ? "" : "\"" + String.join("\", \"", checkpoints) + "\"";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/worker/v1/claim"))
                .header("Authorization", "Bearer test-worker-token")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"workerName\": \"" + name
                        + "\", \"backendReachable\": " + backendReachable + ", \"checkpoints\": [" + list + "]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(204);
    }
}
