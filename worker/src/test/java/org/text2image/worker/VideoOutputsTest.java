package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/** A video workflow's outputs (SaveVideo, SaveWEBM) downloaded and completed, through the stand-in and a fake worker API. */
class VideoOutputsTest extends JobRunnerTestBase {

    private static final byte[] FTYP = {'f', 't', 'y', 'p'};
    private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};

    @Test
    void completesAVideoWorkflowWithTheMp4AndTheWebmAsVideoParts() {
        ClaimedJob job = Jobs.claimed(ComfyUiFixtures.videoWorkflow());

        JobReport report = runner.run(job);

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(server.failures()).isEmpty();
        assertThat(server.completions()).singleElement().satisfies(completion -> {
            assertThat(completion.jobId()).isEqualTo(job.jobId());
            assertThat(completion.images()).extracting(FakeWorkerApi.Part::contentType)
                    .containsExactlyInAnyOrder("video/mp4", "video/webm");
            assertThat(completion.images()).allSatisfy(part -> {
                if (part.contentType().equals("video/mp4")) {
                    assertThat(part.filename()).endsWith(".mp4");
                    assertThat(java.util.Arrays.copyOfRange(part.bytes(), 4, 8)).isEqualTo(FTYP);
                } else {
                    assertThat(part.filename()).endsWith(".webm");
                    assertThat(part.bytes()).startsWith(EBML_MAGIC);
                }
            });
        });
    }

    @Test
    void failsTheAttemptNamingAnOutputOfAnUnknownMediaTypeWithoutUploadingIt() {
        comfyUi.writeVideosAs("mkv");

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.videoWorkflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_PERMANENTLY);
        assertThat(server.completions()).isEmpty();
        assertThat(server.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.request().retryable()).isFalse();
            assertThat(failure.request().reason()).startsWith("ComfyUI wrote an output of an unknown media type, ")
                    .contains(".mkv");
        });
    }

    @Test
    void aVideoCompletionTheServerRefusesWith400IsLoggedAsUnreportedAndNotFailed() {
        server.answerCompletionsWith(400);

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.videoWorkflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.UNREPORTED);
        assertThat(report.detail()).contains("not reported").contains("HTTP 400");
        assertThat(server.failures()).isEmpty();
    }

    @Test
    void deletesTheTemporaryVideoFilesOnceTheCompletionIsSent() throws Exception {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = outputFiles(temp);

        runner.run(Jobs.claimed(ComfyUiFixtures.videoWorkflow()));

        assertThat(server.completions()).hasSize(1);
        assertThat(outputFiles(temp)).isEqualTo(before);
    }

    private static List<Path> outputFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().startsWith("t2i-output-")).sorted().toList();
        }
    }

    @Test
    void typesOutputFilesByTheirExtension() {
        assertThat(MediaTypes.of("video_00002_.mp4")).hasValue("video/mp4");
        assertThat(MediaTypes.of("webm_00002_.WEBM")).hasValue("video/webm");
        assertThat(MediaTypes.of("anim_webp_00002_.webp")).hasValue("image/webp");
        assertThat(MediaTypes.of("anim_png_00002_.png")).hasValue("image/png");
        assertThat(MediaTypes.of("clip.gif")).hasValue("image/gif");
        assertThat(MediaTypes.of("clip.mkv")).isEmpty();
        assertThat(MediaTypes.of("no-extension")).isEmpty();
    }
}
