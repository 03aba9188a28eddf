package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.InputImage;
import org.text2image.worker.api.WorkerApi;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/**
 * An image-to-video job's input image: fetched from the (fake) server and uploaded to the ComfyUI
 * stand-in before the prompt is posted, so the workflow's {@code LoadImage} finds it.
 */
class ImageToVideoInputTest extends JobRunnerTestBase {

    private final byte[] png = ComfyUiFixtures.bytes("view.png");

    private ClaimedJob job(String contentType) {
        return Jobs.imageToVideo(2, contentType);
    }

    @Test
    void theInputImageIsUploadedToComfyUiUnderItsNameBeforeThePromptAndTheVideoCompletes() {
        ClaimedJob job = job("image/png");
        server.inputImage(job.jobId(), "image/png", png);

        JobReport report = runner.run(job);

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(comfyUi.inputFile(WorkerApi.INPUT_SUBFOLDER, job.jobId() + "-2.png")).isEqualTo(png);
        assertThat(server.events()).startsWith("input-image " + job.jobId(), "heartbeat " + job.jobId());
        assertThat(server.completions()).singleElement().satisfies(completion ->
                assertThat(completion.images()).extracting(FakeWorkerApi.Part::contentType).contains("video/mp4"));
    }

    @Test
    void aJpegInputImageIsUploadedAsAJpg() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
        ClaimedJob job = job("image/jpeg");
        server.inputImage(job.jobId(), "image/jpeg", jpeg);

        assertThat(runner.run(job).outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(comfyUi.inputFile(WorkerApi.INPUT_SUBFOLDER, job.jobId() + "-2.jpg")).isEqualTo(jpeg);
    }

    @Test
    void aServerThatCannotBeReachedForTheInputImageFailsTheAttemptRetryablyWithoutPostingThePrompt() {
        ClaimedJob job = job("image/png");
        server.inputImage(job.jobId(), "image/png", png);
        server.answerInputImagesWith(503);

        JobReport report = runner.run(job);

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_RETRYABLE);
        assertThat(server.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.request().retryable()).isTrue();
            assertThat(failure.request().reason()).startsWith("could not fetch the input image from the server: ");
        });
        assertThat(comfyUi.submittedPrompts()).isEmpty();
    }

    @Test
    void aServerWithoutTheInputImageFailsTheAttemptForGood() {
        ClaimedJob job = job("image/png"); // no image offered: the fake answers 404

        JobReport report = runner.run(job);

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_PERMANENTLY);
        assertThat(server.failures()).singleElement().satisfies(failure ->
                assertThat(failure.request().reason()).startsWith("the server did not send the input image: ").contains("404"));
        assertThat(comfyUi.submittedPrompts()).isEmpty();
    }

    @Test
    void anAttemptTheServerNoLongerLeasesStopsWithoutReportingOrPosting() {
        ClaimedJob job = job("image/png");
        server.answerInputImagesWith(409);

        JobReport report = runner.run(job);

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.STOPPED);
        assertThat(server.failures()).isEmpty();
        assertThat(server.completions()).isEmpty();
        assertThat(comfyUi.submittedPrompts()).isEmpty();
    }

    @Test
    void anInputImageNameThatIsNotAPlainFileNameIsRefusedForGood() {
        UUID jobId = UUID.randomUUID();
        ClaimedJob job = new ClaimedJob(jobId, 1, Jobs.imageToVideoWorkflow("x.png"), jobId + "-1", 30, 60,
                new InputImage("../../models/x.png", WorkerApi.INPUT_SUBFOLDER, "image/png"));
        server.inputImage(jobId, "image/png", png);

        JobReport report = runner.run(job);

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_PERMANENTLY);
        assertThat(server.failures()).singleElement().satisfies(failure ->
                assertThat(failure.request().reason()).contains("not a plain file name"));
        assertThat(server.events()).doesNotContain("input-image " + jobId);
    }

    @Test
    void withoutTheUploadComfyUiRefusesTheLoadImageAsAnInvalidImageFile() {
        UUID jobId = UUID.randomUUID();
        // an older server: the workflow names an input image, the claim does not
        ClaimedJob job = new ClaimedJob(jobId, 1, Jobs.imageToVideoWorkflow(jobId + "-1.png"), jobId + "-1", 30, 60);

        JobReport report = runner.run(job);

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_PERMANENTLY);
        assertThat(server.failures()).singleElement().satisfies(failure -> assertThat(failure.request().reason())
                .isEqualTo("LoadImage (node 2): Custom validation failed for node: image - Invalid image file: text2image/"
                        + jobId + "-1.png"));
    }
}
