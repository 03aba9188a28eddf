package org.text2image.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.text2image.worker.workflow.Placeholder;
import org.text2image.worker.workflow.WorkflowTemplate;
import org.text2image.worker.workflow.WorkflowValues;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The video workflow templates shipped in {@code config/workflows/} (docs/MODELS.md, "Video models")
 * and the model-free ones the server tests run on the ComfyUI stand-in: each takes the video
 * placeholders, writes the video and writes its first frame as the poster; the shipped models file
 * offers the three video models disabled, with each model family's frame rule.
 */
class ShippedVideoTemplatesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path SHIPPED = Path.of("../config");
    private static final Path TEST_CONFIG = Path.of("src/test/resources/config");

    @ParameterizedTest
    @ValueSource(strings = {"wan21-t2v-1.3b.json", "ltxv-t2v-2b.json", "wan22-ti2v-5b.json"})
    void eachShippedVideoTemplateTakesTheVideoAndSamplingPlaceholders(String file) {
        WorkflowTemplate template = shipped(file);

        assertThat(template.placeholders()).contains(Placeholder.FRAMES, Placeholder.FPS, Placeholder.PROMPT,
                Placeholder.NEGATIVE_PROMPT, Placeholder.WIDTH, Placeholder.HEIGHT, Placeholder.SEED,
                Placeholder.STEPS, Placeholder.CFG, Placeholder.SAMPLER, Placeholder.CHECKPOINT,
                Placeholder.FILENAME_PREFIX);
        assertThat(template.placeholders()).as("a video job is one video").doesNotContain(Placeholder.BATCH_SIZE);
    }

    @Test
    void onlyTheImageToVideoTemplateNamesAnInputImageAndLoadsItWithLoadImage() {
        assertThat(shipped("wan21-t2v-1.3b.json").placeholders()).doesNotContain(Placeholder.INPUT_IMAGE);
        assertThat(shipped("ltxv-t2v-2b.json").placeholders()).doesNotContain(Placeholder.INPUT_IMAGE);
        assertThat(shipped("wan22-ti2v-5b.json").placeholders()).contains(Placeholder.INPUT_IMAGE);

        ObjectNode graph = read(SHIPPED.resolve("workflows/wan22-ti2v-5b.json"));
        String loadImage = nodesOfClass(graph, "LoadImage").getFirst();
        assertThat(graph.get(loadImage).get("inputs").get("image").stringValue()).isEqualTo("{{input_image}}");
        String latent = nodesOfClass(graph, "Wan22ImageToVideoLatent").getFirst();
        assertThat(linkedNode(graph, latent, "start_image")).isEqualTo(loadImage);
    }

    @ParameterizedTest
    @ValueSource(strings = {"wan21-t2v-1.3b.json", "ltxv-t2v-2b.json", "wan22-ti2v-5b.json",
        "test:video-mp4.json"})
    void theVideoIsAnMp4WrittenBySaveVideoFromCreateVideoAtTheJobsFps(String file) {
        ObjectNode graph = graph(file);

        List<String> saveVideos = nodesOfClass(graph, "SaveVideo");
        assertThat(saveVideos).hasSize(1);
        JsonNode save = graph.get(saveVideos.getFirst()).get("inputs");
        assertThat(save.get("format").stringValue()).isEqualTo("auto");
        assertThat(save.get("codec").stringValue()).isEqualTo("auto");
        assertThat(save.get("filename_prefix").stringValue()).isEqualTo("{{filename_prefix}}");
        String createVideo = linkedNode(graph, saveVideos.getFirst(), "video");
        assertThat(graph.get(createVideo).get("class_type").stringValue()).isEqualTo("CreateVideo");
        assertThat(graph.get(createVideo).get("inputs").get("fps").stringValue()).isEqualTo("{{fps}}");
    }

    @Test
    void theWebmTestTemplateWritesVp9WithSaveWebmAtTheJobsFps() {
        ObjectNode graph = graph("test:video-webm.json");

        List<String> saves = nodesOfClass(graph, "SaveWEBM");
        assertThat(saves).hasSize(1);
        JsonNode save = graph.get(saves.getFirst()).get("inputs");
        assertThat(save.get("codec").stringValue()).isEqualTo("vp9");
        assertThat(save.get("fps").stringValue()).isEqualTo("{{fps}}");
        assertThat(nodesOfClass(graph, "SaveVideo")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"wan21-t2v-1.3b.json", "ltxv-t2v-2b.json", "wan22-ti2v-5b.json",
        "test:video-mp4.json", "test:video-webm.json"})
    void thePosterIsTheFirstFrameSavedBySaveImageFromImageFromBatch(String file) {
        ObjectNode graph = graph(file);

        List<String> saveImages = nodesOfClass(graph, "SaveImage");
        assertThat(saveImages).as("exactly one poster").hasSize(1);
        assertThat(graph.get(saveImages.getFirst()).get("inputs").get("filename_prefix").stringValue())
                .isEqualTo("{{filename_prefix}}");
        String fromBatch = linkedNode(graph, saveImages.getFirst(), "images");
        JsonNode pick = graph.get(fromBatch);
        assertThat(pick.get("class_type").stringValue()).isEqualTo("ImageFromBatch");
        assertThat(pick.get("inputs").get("batch_index").intValue()).isZero();
        assertThat(pick.get("inputs").get("length").intValue()).isEqualTo(1);
        String frames = linkedNode(graph, fromBatch, "image");
        String videoSource = videoFramesSource(graph);
        assertThat(frames).as("the poster is taken from the frames the video is made of").isEqualTo(videoSource);
    }

    @ParameterizedTest
    @ValueSource(strings = {"wan21-t2v-1.3b.json", "ltxv-t2v-2b.json", "wan22-ti2v-5b.json"})
    void framesAndFpsRenderAsNumbersAndEveryOutputGetsTheJobsPrefix(String file) {
        WorkflowTemplate template = shipped(file);
        ObjectNode rendered = template.render(values(template));

        List<String> lengths = new ArrayList<>();
        for (Map.Entry<String, JsonNode> node : rendered.properties()) {
            JsonNode inputs = node.getValue().get("inputs");
            if (inputs.has("length") && !node.getValue().get("class_type").stringValue().equals("ImageFromBatch")) {
                assertThat(inputs.get("length").isNumber()).isTrue();
                lengths.add(inputs.get("length").asString());
            }
            if (WorkflowTemplate.OUTPUT_NODE_TYPES.contains(node.getValue().get("class_type").stringValue())) {
                assertThat(inputs.get("filename_prefix").stringValue()).isEqualTo("text2image/job-1");
            }
        }
        assertThat(lengths).containsExactly("33");
        JsonNode createVideo = rendered.get(nodesOfClass(rendered, "CreateVideo").getFirst()).get("inputs");
        assertThat(createVideo.get("fps").isNumber()).isTrue();
        assertThat(createVideo.get("fps").intValue()).isEqualTo(16);
    }

    @Test
    void theShippedModelsFileOffersTheThreeVideoModelsDisabledWithTheirFrameRules() {
        ModelCatalog catalog = ModelCatalogLoader.load(SHIPPED.resolve("models.json"));

        assertThat(catalog.all().getFirst().id()).isEqualTo("sd15");
        assertThat(catalog.enabled()).extracting(Model::id).containsExactly("sd15");
        Model wan21 = catalog.find("wan21-t2v-1.3b").orElseThrow();
        Model ltxv = catalog.find("ltxv-t2v-2b").orElseThrow();
        Model wan22 = catalog.find("wan22-ti2v-5b").orElseThrow();
        for (Model model : List.of(wan21, ltxv, wan22)) {
            assertThat(model.isVideo()).as(model.id()).isTrue();
            assertThat(model.kind()).isEqualTo("video");
            assertThat(model.enabled()).isFalse();
            VideoSpec video = model.video();
            assertThat(video.framesRule().allows(video.frames().defaultValue())).as(model.id()).isTrue();
            assertThat(video.framesRule().allows(video.frames().min())).as(model.id()).isTrue();
            assertThat(video.framesRule().allows(video.frames().max())).as(model.id()).isTrue();
            assertThat(video.sizes()).contains(new VideoSpec.Size(model.width(), model.height()));
            assertThat(video.sizes()).allMatch(size -> size.width() <= video.maxWidth()
                    && size.height() <= video.maxHeight());
            assertThat(video.imageInput()).isEqualTo(model.uses("input_image"));
        }
        assertThat(wan21.video().framesRule()).isEqualTo(new VideoSpec.FramesRule(4, 1));
        assertThat(ltxv.video().framesRule()).isEqualTo(new VideoSpec.FramesRule(8, 1));
        assertThat(wan22.video().framesRule()).isEqualTo(new VideoSpec.FramesRule(4, 1));
        assertThat(wan21.video().frames()).isEqualTo(new Model.Range<>(33, 5, 81));
        assertThat(wan21.video().fps()).isEqualTo(new Model.Range<>(16, 8, 24));
        assertThat(wan21.video().attemptTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(wan21.video().maxBytes()).isEqualTo(200L * 1024 * 1024);
        assertThat(wan22.video().attemptTimeout()).isEqualTo(Duration.ofMinutes(45));
        assertThat(wan22.video().imageInput()).isTrue();
    }

    @Test
    void theShippedVideoSizesAreOnTheirLatentNodesStepSoComfyUiTakesThemAsTheyAre() {
        ModelCatalog catalog = ModelCatalogLoader.load(SHIPPED.resolve("models.json"));
        // width/height steps of the latent nodes (ComfyUI 0.8 object_info, docs/MODELS.md "What ComfyUI reports")
        Map<String, Integer> steps = Map.of("wan21-t2v-1.3b", 16, "ltxv-t2v-2b", 32, "wan22-ti2v-5b", 32);

        steps.forEach((id, step) -> {
            Model model = catalog.find(id).orElseThrow();
            assertThat(model.video().sizes().getFirst()).as(id + ": the default size comes first")
                    .isEqualTo(new VideoSpec.Size(model.width(), model.height()));
            assertThat(model.video().sizes()).as(id)
                    .allMatch(size -> size.width() % step == 0 && size.height() % step == 0);
        });
    }

    @Test
    void theVideoTestModelsFileLoadsWithTwoModelFreeVideoModels() {
        ModelCatalog catalog = ModelCatalogLoader.load(TEST_CONFIG.resolve("models-video.json"));

        for (String id : List.of("video-mp4", "video-webm")) {
            Model model = catalog.find(id).orElseThrow();
            assertThat(model.isVideo()).as(id).isTrue();
            assertThat(model.enabled()).isTrue();
            assertThat(model.checkpoint()).isEmpty();
            assertThat(model.costCredits()).isEqualTo(20);
            assertThat(model.video().framesRule()).isEqualTo(new VideoSpec.FramesRule(4, 1));
            assertThat(model.video().frames().max()).isEqualTo(81);
            assertThat(model.video().fps()).isEqualTo(new Model.Range<>(8, 8, 24));
            assertThat(model.video().maxBytes()).isEqualTo(5L * 1024 * 1024);
            assertThat(model.video().sizes()).contains(new VideoSpec.Size(64, 64));
        }
        assertThat(catalog.find("modelfree").orElseThrow().isVideo()).isFalse();
    }

    /** The node whose frames the video is made of: CreateVideo's or SaveWEBM's {@code images}. */
    private static String videoFramesSource(ObjectNode graph) {
        List<String> createVideo = nodesOfClass(graph, "CreateVideo");
        if (!createVideo.isEmpty()) {
            return linkedNode(graph, createVideo.getFirst(), "images");
        }
        return linkedNode(graph, nodesOfClass(graph, "SaveWEBM").getFirst(), "images");
    }

    private static WorkflowValues values(WorkflowTemplate template) {
        WorkflowValues.Builder values = WorkflowValues.builder()
                .put(Placeholder.PROMPT, "a red fox running through snow").put(Placeholder.NEGATIVE_PROMPT, "")
                .put(Placeholder.WIDTH, 832).put(Placeholder.HEIGHT, 480).put(Placeholder.SEED, 42L)
                .put(Placeholder.STEPS, 30).put(Placeholder.CFG, 6.0).put(Placeholder.SAMPLER, "uni_pc")
                .put(Placeholder.SCHEDULER, "simple").put(Placeholder.CHECKPOINT, "model.safetensors")
                .put(Placeholder.FILENAME_PREFIX, "text2image/job-1").put(Placeholder.FRAMES, 33)
                .put(Placeholder.FPS, 16);
        if (template.placeholders().contains(Placeholder.INPUT_IMAGE)) {
            values.put(Placeholder.INPUT_IMAGE, "text2image/job-1.png");
        }
        return values.build();
    }

    private static WorkflowTemplate shipped(String file) {
        Path path = SHIPPED.resolve("workflows").resolve(file);
        return WorkflowTemplate.of(path.toString(), read(path));
    }

    /** A shipped template, or with {@code test:} one of the server tests' model-free templates. */
    private static ObjectNode graph(String file) {
        Path path = file.startsWith("test:")
                ? TEST_CONFIG.resolve("workflows").resolve(file.substring("test:".length()))
                : SHIPPED.resolve("workflows").resolve(file);
        ObjectNode graph = read(path);
        WorkflowTemplate.of(path.toString(), graph);
        return graph;
    }

    private static List<String> nodesOfClass(ObjectNode graph, String classType) {
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, JsonNode> node : graph.properties()) {
            if (node.getValue().get("class_type").stringValue().equals(classType)) {
                ids.add(node.getKey());
            }
        }
        return ids;
    }

    /** The id of the node that {@code node}'s {@code input} links to ({@code ["<id>", <output>]}). */
    private static String linkedNode(ObjectNode graph, String node, String input) {
        JsonNode link = graph.get(node).get("inputs").get(input);
        assertThat(link.isArray()).as(node + "." + input + " is a link").isTrue();
        assertThat(graph.has(link.get(0).stringValue())).as(node + "." + input + " links to a node").isTrue();
        return link.get(0).stringValue();
    }

    private static ObjectNode read(Path path) {
        try {
            return (ObjectNode) JSON.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + path, e);
        }
    }
}
