package org.text2image.server.workers;

import org.text2image.server.generation.LeasedJob;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.ClaimedLora;
import org.text2image.worker.api.InputImage;
import org.text2image.worker.api.WorkerApi;

/** Translations from generation's domain types to the worker API's wire records. */
final class WireRecords {

    private WireRecords() {
    }

    /**
     * A leased job as the claim's 200 body; durations in whole seconds. An image-to-video job's input
     * image is named as the server rendered {@code {{input_image}}}: {@link WorkerApi#inputImageName}
     * in {@link WorkerApi#INPUT_SUBFOLDER}. The job's LoRA files and the hashes of LoRAs deleted
     * lately go in {@code loras} and {@code removedLoras}.
     */
    static ClaimedJob claimedJob(LeasedJob job) {
        InputImage input = job.inputImageType() == null ? null : new InputImage(
                WorkerApi.inputImageName(job.jobId(), job.attempt(), job.inputImageType()), WorkerApi.INPUT_SUBFOLDER,
                job.inputImageType());
        return new ClaimedJob(job.jobId(), job.attempt(), job.workflow(), job.promptId(),
                job.leaseTimeout().toSeconds(), job.attemptTimeout().toSeconds(), input, null, loras(job),
                job.removedLoras());
    }

    /** The LoRA files a leased job's workflow loads, as the claim names them. */
    static java.util.List<ClaimedLora> loras(LeasedJob job) {
        return job.loras().stream().map(lora -> new ClaimedLora(lora.id(), lora.sha256(), lora.sizeBytes())).toList();
    }
}
