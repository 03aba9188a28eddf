package org.text2image.worker;

import java.util.UUID;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.InputImage;
import org.text2image.worker.api.WorkerApi;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import tools.jackson.databind.node.ObjectNode;

/** Claimed-job fixtures. */
final class Jobs {

    private Jobs() {
    }

    /** A first attempt with a 30 s lease and a 60 s timeout. */
    static ClaimedJob claimed(ObjectNode workflow) {
        return claimed(workflow, 1, 60);
    }

    /** An attempt of a new job, submitted under prompt id {@code <job id>-<attempt>}. */
    static ClaimedJob claimed(ObjectNode workflow, int attempt, long timeoutSeconds) {
        UUID jobId = UUID.randomUUID();
        return new ClaimedJob(jobId, attempt, workflow, jobId + "-" + attempt, 30, timeoutSeconds);
    }

    /**
     * An image-to-video job's attempt: the stand-in's video graph with its frames appended to a
     * {@code LoadImage} of the input image {@code text2image/<job>-<attempt>.<png|jpg>}, which the claim names.
     */
    static ClaimedJob imageToVideo(int attempt, String contentType) {
        UUID jobId = UUID.randomUUID();
        String name = WorkerApi.inputImageName(jobId, attempt, contentType);
        return new ClaimedJob(jobId, attempt, imageToVideoWorkflow(name), jobId + "-" + attempt, 30, 60,
                new InputImage(name, WorkerApi.INPUT_SUBFOLDER, contentType));
    }

    /** The stand-in video graph with its frames appended to a LoadImage of {@code text2image/<name>}. */
    static ObjectNode imageToVideoWorkflow(String name) {
        ObjectNode workflow = ComfyUiFixtures.videoWorkflow();
        workflow.putObject("2").put("class_type", "LoadImage").putObject("inputs")
                .put("image", WorkerApi.INPUT_SUBFOLDER + "/" + name);
        ObjectNode batch = workflow.putObject("8").put("class_type", "ImageBatch").putObject("inputs");
        batch.putArray("image1").add("2").add(0);
        batch.putArray("image2").add("1").add(0);
        ((ObjectNode) workflow.get("4").get("inputs")).putArray("images").add("8").add(0);
        return workflow;
    }

    /** The workflow with the SaveImage prefix {@code jobs/<tag>}, so ComfyUI does not serve it from cache. */
    static ObjectNode withPrefix(ObjectNode workflow, String saveNode, String tag) {
        ((ObjectNode) workflow.get(saveNode).get("inputs")).put("filename_prefix", "jobs/" + tag);
        return workflow;
    }
}
