package org.text2image.server.workers;

import java.util.List;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.training.LeasedTraining;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.ClaimedLora;
import org.text2image.worker.api.ClaimedTraining;
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

    /** A leased LoRA training as the claim's 200 body: the job id is the training's, and {@code training} is set. */
    static ClaimedJob claimedTraining(LeasedTraining training) {
        ClaimedTraining part = new ClaimedTraining(training.datasetFolder(), training.loraPrefix(), training.steps(),
                training.images().stream().map(image -> new ClaimedTraining.Image(image.id(), image.name(),
                        image.contentType(), image.caption())).toList());
        return new ClaimedJob(training.id(), training.attempt(), training.workflow(), training.promptId(),
                training.leaseTimeout().toSeconds(), training.attemptTimeout().toSeconds(), null, part, List.of(), List.of());
    }
}
