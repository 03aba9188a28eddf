package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.InputImage;
import org.text2image.worker.api.WorkerApi;
import org.text2image.worker.comfyui.ImageRef;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/**
 * A worker given ComfyUI's folder ({@code --comfyui-dir}) deletes what each attempt left in its
 * {@code input/} and {@code output/} once the attempt ended; the stand-in writes its uploads and
 * saved files into the same folder, as ComfyUI does.
 */
class ComfyUiFoldersTest extends WorkerLoopTestBase {

    @TempDir Path comfyUiDir;

    @Override
    WorkerConfig config() {
        return super.config().withTraining(true).withComfyUiDir(comfyUiDir);
    }

    @Test
    void aJobsSavedImagesAreDeletedOnceUploaded() throws Exception {
        comfyUi.comfyUiFolder(comfyUiDir);
        offerTwoSd15Jobs(Duration.ZERO);

        startLoop();
        server.awaitUntil(() -> server.completions().size() == 2, WAIT);

        assertThat(server.completions()).allSatisfy(completion -> assertThat(completion.images()).isNotEmpty());
        awaitNoFiles(comfyUiDir.resolve("output"));
    }

    @Test
    void anImageToVideoJobsInputImageIsDeletedWhenItEnds() throws Exception {
        comfyUi.comfyUiFolder(comfyUiDir);
        ClaimedJob job = Jobs.imageToVideo(1, "image/png");
        server.inputImage(job.jobId(), "image/png", ComfyUiFixtures.bytes("view.png"));
        server.offer(job);

        startLoop();
        server.awaitUntil(() -> !server.completions().isEmpty(), WAIT);

        assertThat(comfyUi.inputFile(WorkerApi.INPUT_SUBFOLDER, job.inputImage().name())).as("it was uploaded").isNotNull();
        awaitNoFiles(comfyUiDir.resolve("input"));
        awaitNoFiles(comfyUiDir.resolve("output"));
    }

    @Test
    void aTrainingsDatasetFolderAndLoraFileAreDeletedWhenItEnds() throws Exception {
        comfyUi.comfyUiFolder(comfyUiDir);
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        ClaimedJob training = Trainings.claimed(server, 1, 3, 4);
        server.offer(training);

        startLoop();
        server.awaitUntil(() -> !server.completions().isEmpty(), WAIT);

        String lora = Trainings.loraFileName(training);
        assertThat(server.completions().getFirst().images().getFirst().bytes())
                .isEqualTo(comfyUi.outputFile("loras", lora));
        assertThat(comfyUi.inputFiles(training.training().datasetFolder())).as("it was uploaded").hasSize(6);
        server.awaitUntil(() -> !Files.exists(comfyUiDir.resolve("input").resolve(training.training().datasetFolder()))
                && !Files.exists(comfyUiDir.resolve("output").resolve("loras").resolve(lora)), WAIT);
    }

    @Test
    void withoutTheFolderNothingIsDeleted() throws Exception {
        comfyUi.comfyUiFolder(comfyUiDir);
        offerTwoSd15Jobs(Duration.ZERO);
        loop = new WorkerLoop(super.config(), java.time.Clock.systemUTC(), JobRunnerTestBase.FAST);
        thread = Thread.ofPlatform().start(loop);

        server.awaitUntil(() -> server.completions().size() == 2, WAIT);
        loop.stop();
        assertThat(loop.awaitStopped(WAIT)).isTrue();

        assertThat(files(comfyUiDir.resolve("output"))).hasSize(2);
    }

    @Test
    void aFolderWithoutInputAndOutputIsRefused(@TempDir Path elsewhere) {
        assertThatThrownBy(() -> ComfyUiFolders.of(elsewhere)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not ComfyUI's folder");
        assertThat(ComfyUiFolders.of(null).enabled()).isFalse();
    }

    @Test
    void namesThatLeaveInputOrOutputAreLeftAlone(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("comfy/input/text2image"));
        Files.createDirectories(root.resolve("comfy/output"));
        Path secret = Files.writeString(root.resolve("secret.txt"), "keep");
        Path models = Files.createDirectories(root.resolve("comfy/models"));
        Path checkpoint = Files.writeString(models.resolve("model.safetensors"), "keep");
        ComfyUiFolders folders = ComfyUiFolders.of(root.resolve("comfy"));

        folders.removeOutputs(List.of(new ImageRef("secret.txt", "../..", "output"),
                new ImageRef("model.safetensors", "../models", "output"),
                new ImageRef("..", "", "output"), new ImageRef("model.safetensors", "/" + models, "output")));
        folders.afterJob(new ClaimedJob(UUID.randomUUID(), 1, ComfyUiFixtures.sd15Workflow(), "p", 30, 60,
                new InputImage("../../../secret.txt", WorkerApi.INPUT_SUBFOLDER, "image/png")));
        folders.afterJob(new ClaimedJob(UUID.randomUUID(), 1, ComfyUiFixtures.sd15Workflow(), "p", 30, 60,
                new InputImage("secret.txt", "../..", "image/png")));

        assertThat(secret).exists();
        assertThat(checkpoint).exists();
        assertThat(root.resolve("comfy/input/text2image")).isDirectory();
    }

    private void awaitNoFiles(Path folder) throws Exception {
        server.awaitUntil(() -> files(folder).isEmpty(), WAIT);
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
