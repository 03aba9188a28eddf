package org.text2image.worker;

import java.util.UUID;
import org.text2image.worker.api.ClaimedJob;
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

    /** The workflow with the SaveImage prefix {@code jobs/<tag>}, so ComfyUI does not serve it from cache. */
    static ObjectNode withPrefix(ObjectNode workflow, String saveNode, String tag) {
        ((ObjectNode) workflow.get(saveNode).get("inputs")).put("filename_prefix", "jobs/" + tag);
        return workflow;
    }
}
