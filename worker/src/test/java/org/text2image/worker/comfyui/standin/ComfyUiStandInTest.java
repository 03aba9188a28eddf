package org.text2image.worker.comfyui.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The stand-in answers like the captured ComfyUI, over real HTTP and WebSocket. */
class ComfyUiStandInTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newHttpClient();
    private ComfyUiStandIn comfyUi;

    @BeforeEach
    void start() {
        comfyUi = new ComfyUiStandIn().start();
    }

    @AfterEach
    void stop() {
        comfyUi.close();
    }

    @Test
    void answersAMissingCheckpointByteForByteLikeComfyUi() throws Exception {
        HttpResponse<String> answer = post("/prompt", "{\"prompt\": " + ComfyUiFixtures.sd15Workflow() + "}");

        String captured = ComfyUiFixtures.text("post_missing_ckpt.txt");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(answer.body()).isEqualTo(captured.substring(captured.indexOf("\n{") + 1).strip());
    }

    @Test
    void answersMalformedPromptsLikeTheCapturedValidationErrors() throws Exception {
        String captured = ComfyUiFixtures.text("validation_errors.txt");

        assertThat(post("/prompt", "{\"client_id\": \"x\"}").body()).isEqualTo(capturedAnswer(captured, "no_prompt"));
        assertThat(post("/prompt", "{\"prompt\": {\"1\": {\"inputs\": {}}}}").body())
                .isEqualTo(capturedAnswer(captured, "missing_class_type"));
        assertThat(post("/prompt", "{\"prompt\": {\"1\": {\"class_type\": \"EmptyImage\", \"inputs\": {}}}}").body())
                .isEqualTo(capturedAnswer(captured, "no_outputs"));
        String outOfRange = ComfyUiFixtures.modelFreeWorkflow().toString().replace("\"width\":64", "\"width\":0");
        JsonNode rangeError = JSON.readTree(post("/prompt", "{\"prompt\": " + outOfRange + "}").body());
        assertThat(rangeError.at("/node_errors/1/errors/0/message").asString()).isEqualTo("Value 0 smaller than min of 1");
        HttpResponse<String> notJson = post("/prompt", "{not json");
        assertThat(notJson.statusCode()).isEqualTo(500);
        assertThat(notJson.body()).isEqualTo("500 Internal Server Error\n\nServer got itself in trouble");
        assertThat(comfyUi.submittedPrompts()).isEmpty();
    }

    @Test
    void sendsTheRunsFramesInComfyUiOrderToThePromptsClientOnly() throws Exception {
        try (FrameRecorder mine = new FrameRecorder(comfyUi.baseUrl(), "/ws", "mine");
             FrameRecorder other = new FrameRecorder(comfyUi.baseUrl(), "/ws", "other")) {
            assertThat(mine.next().toString()).isEqualTo("{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":0}},\"sid\":\"mine\"}}");
            other.next();

            String promptId = submit(ComfyUiFixtures.modelFreeWorkflow(), "p-1", "mine");
            List<JsonNode> frames = mine.untilDone(promptId);

            assertThat(frames).extracting(f -> f.path("type").asString() + ":" + f.path("data").path("node").asString(""))
                    .containsSubsequence("status:", "execution_start:", "execution_cached:", "executing:1", "executing:2",
                            "executing:3", "executed:3", "execution_success:", "status:", "executing:");
            assertThat(frames.getLast().path("data").path("node").isNull()).isTrue();
            assertThat(frames.stream().filter(f -> f.path("type").asString().equals("executed")).findFirst().orElseThrow()
                    .at("/data/output/images/0").toString())
                    .isEqualTo("{\"filename\":\"modelfree_00001_.png\",\"subfolder\":\"acceptance\",\"type\":\"output\"}");
            assertThat(other.drain(Duration.ofMillis(200))).extracting(f -> f.path("type").asString()).containsOnly("status");
        }
    }

    @Test
    void writesHistoryShapedLikeTheCapturedOne() throws Exception {
        String promptId = submit(ComfyUiFixtures.modelFreeWorkflow(), null, "client-a");
        assertThat(comfyUi.awaitIdle(WAIT)).isTrue();

        JsonNode entry = JSON.readTree(get("/history/" + promptId).body()).get(promptId);
        JsonNode captured = JSON.readTree(ComfyUiFixtures.text("history_modelfree.json")).properties().iterator().next().getValue();
        assertThat(entry.propertyNames()).containsExactlyElementsOf(captured.propertyNames());
        assertThat(entry.get("outputs")).isEqualTo(captured.get("outputs"));
        assertThat(entry.get("meta")).isEqualTo(captured.get("meta"));
        assertThat(entry.at("/prompt/1").asString()).isEqualTo(promptId);
        assertThat(entry.at("/prompt/2")).isEqualTo(ComfyUiFixtures.modelFreeWorkflow());
        assertThat(entry.at("/prompt/3/client_id").asString()).isEqualTo("client-a");
        assertThat(entry.at("/prompt/4").toString()).isEqualTo("[\"3\"]");
        assertThat(entry.at("/status/status_str").asString()).isEqualTo("success");
        assertThat(entry.at("/status/messages").valueStream().map(m -> m.get(0).asString()))
                .containsExactly("execution_start", "execution_cached", "execution_success");
        assertThat(get("/history/nope").body()).isEqualTo("{}");
        assertThat(JSON.readTree(get("/history").body()).has(promptId)).isTrue();
    }

    @Test
    void servesAnIdenticalGraphFromCacheWithTheSameFile() throws Exception {
        try (FrameRecorder socket = new FrameRecorder(comfyUi.baseUrl(), "/ws", "c")) {
            socket.untilDone(submit(ComfyUiFixtures.modelFreeWorkflow(), "first", "c"));
            List<JsonNode> second = socket.untilDone(submit(ComfyUiFixtures.modelFreeWorkflow(), "second", "c"));

            assertThat(second).filteredOn(f -> f.path("type").asString().equals("execution_cached"))
                    .singleElement().extracting(f -> f.at("/data/nodes").toString()).isEqualTo("[\"1\",\"2\",\"3\"]");
            assertThat(second).filteredOn(f -> f.path("type").asString().equals("executing"))
                    .extracting(f -> f.at("/data/node").isNull()).containsExactly(true);
            assertThat(second).filteredOn(f -> f.path("type").asString().equals("executed"))
                    .extracting(f -> f.at("/data/output/images/0/filename").asString()).containsExactly("modelfree_00001_.png");
            assertThat(comfyUi.completedCount()).isEqualTo(2);
        }
    }

    @Test
    void numbersFilesPerPrefixAndDrawsThemAtTheGraphsSize() throws Exception {
        ObjectNode batch = ComfyUiFixtures.modelFreeWorkflow();
        ((ObjectNode) batch.at("/1/inputs")).put("batch_size", 2).put("color", 1);
        String first = submit(ComfyUiFixtures.modelFreeWorkflow(), null, "c");
        String second = submit(batch, null, "c");
        assertThat(comfyUi.awaitIdle(WAIT)).isTrue();

        JsonNode images = JSON.readTree(get("/history/" + second).body()).at("/" + second + "/outputs/3/images");
        assertThat(images.valueStream().map(i -> i.get("filename").asString()))
                .containsExactly("modelfree_00002_.png", "modelfree_00003_.png");
        assertThat(first).isNotEqualTo(second);
        HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(url("/view?filename=modelfree_00003_.png&subfolder=acceptance&type=output"))
                        .timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(48);
    }

    @Test
    void viewAnswers404ForAMissingFile403ForTraversalAnd400ForABadName() throws Exception {
        assertThat(get("/view?filename=nope.png&subfolder=&type=output").statusCode()).isEqualTo(404);
        assertThat(get("/view?filename=x.png&subfolder=../../etc&type=output").statusCode()).isEqualTo(403);
        assertThat(get("/view?filename=../x.png&type=output").statusCode()).isEqualTo(400);
    }

    @Test
    void answersEveryRouteAlsoUnderApi() throws Exception {
        comfyUi.installedCheckpoints("a.safetensors", "b.safetensors");

        assertThat(get("/api/system_stats").body()).isEqualTo(get("/system_stats").body());
        JsonNode stats = JSON.readTree(get("/api/system_stats").body());
        assertThat(stats.at("/system/comfyui_version").asString()).isEqualTo("0.8.0");
        assertThat(get("/api/models/checkpoints").body()).isEqualTo("[\"a.safetensors\", \"b.safetensors\"]");
        assertThat(JSON.readTree(get("/object_info/CheckpointLoaderSimple").body())
                .at("/CheckpointLoaderSimple/input/required/ckpt_name/0").toString()).isEqualTo("[\"a.safetensors\",\"b.safetensors\"]");
        assertThat(get("/api/object_info/Nope").body()).isEqualTo("{}");
        assertThat(get("/api/queue").body()).isEqualTo(ComfyUiFixtures.text("queue.txt").strip());
        assertThat(get("/models/unknown").statusCode()).isEqualTo(404);
        try (FrameRecorder socket = new FrameRecorder(comfyUi.baseUrl(), "/api/ws", "api")) {
            assertThat(socket.next().at("/data/sid").asString()).isEqualTo("api");
        }
    }

    @Test
    void interruptStopsTheRunningPromptLikeTheCapturedScenario() throws Exception {
        comfyUi.hangNextRuns(1);
        try (FrameRecorder socket = new FrameRecorder(comfyUi.baseUrl(), "/ws", "c")) {
            String hanging = submit(ComfyUiFixtures.workflow("wf_slow8.json"), "job-A", "c");
            String waiting = submit(ComfyUiFixtures.modelFreeWorkflow(), "job-B", "c");
            socket.until("execution_start", hanging);
            JsonNode queue = JSON.readTree(get("/queue").body());
            assertThat(queue.at("/queue_running/0/1").asString()).isEqualTo(hanging);
            assertThat(queue.at("/queue_pending/0/1").asString()).isEqualTo(waiting);

            assertThat(post("/queue", "{\"delete\": [\"job-B\"]}").statusCode()).isEqualTo(200);
            assertThat(post("/interrupt", "{\"prompt_id\": \"job-A\"}").statusCode()).isEqualTo(200);
            List<JsonNode> frames = socket.untilDone(hanging);

            assertThat(frames).extracting(f -> f.path("type").asString()).contains("execution_interrupted");
            JsonNode history = JSON.readTree(get("/history/job-A").body()).get("job-A");
            JsonNode captured = JSON.readTree(ComfyUiFixtures.text("scenario_queue_interrupt.json")).at("/history_A/job-A-60acb5cb");
            assertThat(history.get("status").get("status_str")).isEqualTo(captured.at("/status/status_str"));
            assertThat(history.get("outputs")).isEqualTo(captured.get("outputs"));
            assertThat(history.at("/status/messages/2/0").asString()).isEqualTo("execution_interrupted");
            assertThat(history.at("/status/messages/2/1").propertyNames())
                    .containsExactlyElementsOf(captured.at("/status/messages/2/1").propertyNames());
            assertThat(get("/history/job-B").body()).isEqualTo("{}");
            assertThat(comfyUi.interruptCount()).isEqualTo(1);
        }
    }

    @Test
    void failsInjectedRunsWithAnOutOfMemoryErrorLikeWsOom() throws Exception {
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        comfyUi.failNextRuns(1);
        try (FrameRecorder socket = new FrameRecorder(comfyUi.baseUrl(), "/ws", "c")) {
            List<JsonNode> frames = socket.untilDone(submit(ComfyUiFixtures.sd15Workflow(), "oom", "c"));

            JsonNode error = frames.stream().filter(f -> f.path("type").asString().equals("execution_error")).findFirst().orElseThrow();
            JsonNode captured = JSON.readTree(ComfyUiFixtures.text("ws_oom.jsonl").lines()
                    .filter(l -> l.contains("execution_error")).findFirst().orElseThrow()).at("/text/data");
            assertThat(error.get("data").propertyNames()).containsExactlyElementsOf(captured.propertyNames());
            assertThat(error.at("/data/node_type").asString()).isEqualTo("KSampler");
            assertThat(error.at("/data/exception_type").asString()).isEqualTo("torch.OutOfMemoryError");
            JsonNode history = JSON.readTree(get("/history/oom").body()).get("oom");
            assertThat(history.at("/status/status_str").asString()).isEqualTo("error");
            assertThat(history.get("outputs").isEmpty()).isTrue();
        }
    }

    @Test
    void sendsOneProgressFramePerSamplerStep() throws Exception {
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        try (FrameRecorder socket = new FrameRecorder(comfyUi.baseUrl(), "/ws", "c")) {
            List<JsonNode> frames = socket.untilDone(submit(ComfyUiFixtures.sd15Workflow(), "sd", "c"));

            assertThat(frames).filteredOn(f -> f.path("type").asString().equals("progress"))
                    .extracting(f -> f.at("/data/value").asInt() + "/" + f.at("/data/max").asInt() + "@" + f.at("/data/node").asString())
                    .hasSize(20).startsWith("1/20@3").endsWith("20/20@3");
        }
    }

    @Test
    void refusesConnectionsWhileOfflineAndComesBackOnTheSamePort() throws Exception {
        URI before = comfyUi.baseUrl();
        comfyUi.goOffline();
        assertThatThrownBy(() -> get("/system_stats")).isInstanceOf(ConnectException.class);

        comfyUi.comeBackOnline();
        assertThat(comfyUi.baseUrl()).isEqualTo(before);
        assertThat(get("/system_stats").statusCode()).isEqualTo(200);
    }

    private String submit(ObjectNode graph, String promptId, String clientId) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("prompt", graph);
        body.put("client_id", clientId);
        if (promptId != null) {
            body.put("prompt_id", promptId);
        }
        HttpResponse<String> answer = post("/prompt", body.toString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.get("node_errors").isEmpty()).isTrue();
        return json.get("prompt_id").asString();
    }

    private static String capturedAnswer(String captured, String name) {
        List<String> lines = captured.lines().toList();
        return lines.get(lines.indexOf("### " + name) + 1);
    }

    private URI url(String path) {
        return URI.create(comfyUi.baseUrl() + path);
    }

    @Test
    void answersAnUploadLikeTheCaptureAndRenamesADifferentFileOnlyWithoutOverwrite() throws Exception {
        String captured = ComfyUiFixtures.text("misc_routes.txt");
        String capturedAnswer = captured.lines().skip(1).findFirst().orElseThrow();

        assertThat(upload("upload_test.png", "acceptance", "abc", false).body()).isEqualTo(capturedAnswer);
        assertThat(upload("upload_test.png", "acceptance", "abc", false).body()).as("same bytes again").isEqualTo(capturedAnswer);
        assertThat(upload("upload_test.png", "acceptance", "xyz", false).body())
                .isEqualTo("{\"name\": \"upload_test (1).png\", \"subfolder\": \"acceptance\", \"type\": \"input\"}");
        assertThat(upload("upload_test.png", "acceptance", "xyz", true).body()).isEqualTo(capturedAnswer);
        assertThat(comfyUi.inputFile("acceptance", "upload_test.png")).isEqualTo("xyz".getBytes());
        assertThat(upload("upload_test.png", "../escape", "xyz", true).statusCode()).isEqualTo(400);
    }

    @Test
    void aLoadImageOfAFileThatWasNotUploadedFailsValidationLikeComfyUi() throws Exception {
        String graph = "{\"1\": {\"class_type\": \"LoadImage\", \"inputs\": {\"image\": \"text2image/missing.png\"}},"
                + " \"2\": {\"class_type\": \"SaveImage\", \"inputs\": {\"images\": [\"1\", 0], \"filename_prefix\": \"x\"}}}";

        HttpResponse<String> refused = post("/prompt", "{\"prompt\": " + graph + "}");
        upload("missing.png", "text2image", "png", true);
        HttpResponse<String> accepted = post("/prompt", "{\"prompt\": " + graph + "}");

        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(refused.body()).at("/node_errors/1/errors/0");
        assertThat(error.path("type").asString()).isEqualTo("custom_validation_failed");
        assertThat(error.path("details").asString()).isEqualTo("image - Invalid image file: text2image/missing.png");
        assertThat(accepted.statusCode()).isEqualTo(200);
    }

    @Test
    void listsTheConfiguredDiffusionModels() throws Exception {
        assertThat(get("/models/diffusion_models").body()).isEqualTo("[]");
        comfyUi.installedDiffusionModels("wan.safetensors");
        assertThat(get("/api/models/diffusion_models").body()).isEqualTo("[\"wan.safetensors\"]");
    }

    private HttpResponse<String> upload(String name, String subfolder, String content, boolean overwrite) throws Exception {
        String body = "--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: image/png\r\n\r\n" + content + "\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"subfolder\"\r\n\r\n" + subfolder + "\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ninput\r\n"
                + (overwrite ? "--b\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\ntrue\r\n" : "")
                + "--b--\r\n";
        return http.send(HttpRequest.newBuilder(url("/upload/image")).timeout(WAIT)
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).timeout(WAIT).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
