package org.text2image.worker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.PromptRun;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;
import org.text2image.worker.comfyui.standin.Pngs;
import org.text2image.worker.workflow.Placeholder;
import org.text2image.worker.workflow.WorkflowTemplate;
import org.text2image.worker.workflow.WorkflowValues;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A LoRA training attempt against the ComfyUI stand-in, which answers like the captured training runs. */
public class LoraTrainerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHECKPOINT = "v1-5-pruned-emaonly.safetensors";
    private static final PromptRun.Timing TIMING = new PromptRun.Timing(Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofMillis(100), Duration.ofSeconds(5));

    @TempDir
    Path dir;
    private ComfyUiStandIn comfyUi;
    private ComfyUiClient client;
    private LoraTrainer trainer;

    @BeforeEach
    void start() throws Exception {
        comfyUi = new ComfyUiStandIn().start().installedCheckpoints(CHECKPOINT);
        comfyUi.runDuration(Duration.ofMillis(300));
        client = new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10));
        Files.createDirectories(dir.resolve("downloads"));
        trainer = new LoraTrainer(client, "worker-test", TIMING, Duration.ofSeconds(30), dir.resolve("downloads"),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        client.close();
        comfyUi.close();
    }

    @Test
    void twelveImagesAndTheirCaptionsLandInTheAttemptsOwnInputFolder() throws Exception {
        TrainingDataset dataset = dataset(12);
        String folder = DatasetUpload.folderFor("job-7", 2);

        trainer.train(dataset, graph(folder, "t2i-job-7-2", 4), "prompt-upload", (step, total) -> { });

        assertThat(folder).isEqualTo("text2image-train-job-7-2");
        assertThat(comfyUi.inputFiles(folder)).hasSize(24);
        for (TrainingImage image : dataset.images()) {
            assertThat(comfyUi.inputFile(folder, image.name())).isEqualTo(Files.readAllBytes(image.file()));
            assertThat(new String(comfyUi.inputFile(folder, image.captionName()), StandardCharsets.UTF_8))
                    .isEqualTo(image.caption().orElseThrow());
        }
    }

    @Test
    void aRunReportsEveryTrainingStepInOrder() throws Exception {
        List<int[]> steps = new CopyOnWriteArrayList<>();

        trainer.train(dataset(3), graph(DatasetUpload.folderFor("job-1", 1), "t2i-job-1-1", 6), "prompt-steps",
                (step, total) -> steps.add(new int[] {step, total}));

        assertThat(steps).extracting(s -> s[0]).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(steps).extracting(s -> s[1]).containsOnly(6);
    }

    @Test
    void theSavedLoraIsDownloadedWithItsBytesSizeAndSha256() throws Exception {
        TrainedLora lora = trainer.train(dataset(3), graph(DatasetUpload.folderFor("job-1", 1), "t2i-job-1-1", 4),
                "prompt-download", (step, total) -> { });

        byte[] saved = comfyUi.outputFile("loras", "t2i-job-1-1_4_steps_00001_.safetensors");
        assertThat(saved).isNotNull();
        assertThat(lora.filename()).isEqualTo("t2i-job-1-1_4_steps_00001_.safetensors");
        assertThat(Files.readAllBytes(lora.file())).isEqualTo(saved);
        assertThat(lora.sizeBytes()).isEqualTo(saved.length);
        assertThat(lora.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(saved)));
        assertThat(lora.file().getParent()).isEqualTo(dir.resolve("downloads"));
        assertThat(client.loras()).containsExactly("t2i-job-1-1_4_steps_00001_.safetensors");
    }

    @Test
    void anInterruptedRunEndsCancelledAndSavesNoLora() throws Exception {
        comfyUi.runDuration(Duration.ofSeconds(4));
        List<Integer> steps = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> trainer.train(dataset(3), graph(DatasetUpload.folderFor("job-1", 1), "t2i-job-1-1", 20),
                "prompt-cancel", (step, total) -> {
                    steps.add(step);
                    if (step == 1) {
                        Thread.ofVirtual().start(trainer::cancel); // the listener must return quickly
                    }
                }))
                .isInstanceOf(TrainingCancelledException.class)
                .hasMessage("training interrupted in TrainLoraNode; no LoRA was saved");

        assertThat(comfyUi.interruptCount()).isEqualTo(1);
        assertThat(steps).hasSizeLessThan(20);
        assertThat(comfyUi.outputFile("loras", "t2i-job-1-1_20_steps_00001_.safetensors")).isNull();
        assertThat(dir.resolve("downloads")).isEmptyDirectory();
    }

    @Test
    void anEmptyDatasetFailsWithComfyUisFolderNotInListMessageAndIsNotRetried() throws Exception {
        client.uploadImage("a.png", "earlier-job", "image/png", Pngs.solid(8, 8, 0x112233));

        assertThatThrownBy(() -> trainer.train(new TrainingDataset(List.of()),
                graph(DatasetUpload.folderFor("job-1", 1), "t2i-job-1-1", 4), "prompt-empty", (step, total) -> { }))
                .isInstanceOfSatisfying(TrainingFailedException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessage("LoadImageTextDataSetFromFolder (node 2): Value not in list: "
                        + "folder: 'text2image-train-job-1-1' not in ['earlier-job']");
        assertThat(comfyUi.submittedPrompts()).isEmpty();
    }

    @Test
    void aRunThatSavedNoLoraFailsNamingTheMissingFileAndIsNotRetried() throws Exception {
        comfyUi.discardSavedLoras(true);

        assertThatThrownBy(() -> trainer.train(dataset(2), graph(DatasetUpload.folderFor("job-1", 1), "t2i-job-1-1", 3),
                "prompt-missing", (step, total) -> { }))
                .isInstanceOfSatisfying(TrainingFailedException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageStartingWith("ComfyUI has no LoRA file loras/t2i-job-1-1_3_steps_00001_.safetensors after the training run");
        assertThat(dir.resolve("downloads")).isEmptyDirectory();
    }

    @Test
    void twoImagesWithTheSameCaptionFileAreRefused() {
        Path file = dir.resolve("x.png");

        assertThatThrownBy(() -> new TrainingDataset(List.of(new TrainingImage("a.png", file, Optional.empty()),
                new TrainingImage("a.jpg", file, Optional.empty()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.*");
    }

    private TrainingDataset dataset(int n) throws Exception {
        List<TrainingImage> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path file = dir.resolve("img" + i + ".png");
            Files.write(file, Pngs.solid(16, 16, 0x102030 * (i + 1)));
            images.add(new TrainingImage("img" + i + ".png", file, Optional.of("photo of sks dog, number " + i)));
        }
        return new TrainingDataset(images);
    }

    /** The shipped template rendered for one attempt. */
    /** The shipped SD 1.5 training template rendered for a test run (also used by the worker's training-job tests). */
    public static ObjectNode graph(String folder, String prefix, int steps) throws Exception {
        WorkflowTemplate template = WorkflowTemplate.of("train-lora-sd15.json",
                JSON.readTree(Files.readString(Path.of("..", "config", "workflows", "train-lora-sd15.json"))));
        return template.render(WorkflowValues.builder()
                .put(Placeholder.CHECKPOINT, CHECKPOINT)
                .put(Placeholder.DATASET_FOLDER, folder)
                .put(Placeholder.TRAINING_RESOLUTION, 512)
                .put(Placeholder.TRAINING_STEPS, steps)
                .put(Placeholder.LEARNING_RATE, 0.0005)
                .put(Placeholder.LORA_RANK, 8)
                .put(Placeholder.SEED, 42L)
                .put(Placeholder.LORA_PREFIX, prefix)
                .build());
    }
}
