package org.text2image.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.ClaimedTraining;
import org.text2image.worker.comfyui.standin.Pngs;
import org.text2image.worker.training.DatasetUpload;
import tools.jackson.databind.node.ObjectNode;

/** Training-claim fixtures: the shipped training template rendered as the server renders it. */
final class Trainings {


    private Trainings() {
    }

    /**
     * A training claim of {@code images} dataset images (served by {@code server}, captions
     * {@code photo of sks dog <n>}) and {@code steps} training steps, on the sd15 checkpoint.
     */
    static ClaimedJob claimed(FakeWorkerApi server, int attempt, int images, int steps) {
        UUID id = UUID.randomUUID();
        String folder = DatasetUpload.folderFor(id.toString(), attempt);
        String prefix = "t2i-" + id + "-" + attempt;
        List<ClaimedTraining.Image> dataset = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            UUID imageId = UUID.randomUUID();
            server.datasetImage(imageId, Pngs.solid(16, 16, 0x102030 * (i + 1)));
            dataset.add(new ClaimedTraining.Image(imageId, "img" + i + ".png", "image/png", "photo of sks dog " + i));
        }
        return new ClaimedJob(id, attempt, graph(folder, prefix, steps), id + "-" + attempt, 30, 60, null,
                new ClaimedTraining(folder, prefix, steps, dataset), List.of(), List.of());
    }

    /** The file SaveLoRA writes for the claim, in ComfyUI's {@code output/loras}. */
    static String loraFileName(ClaimedJob training) {
        return training.training().loraPrefix() + "_" + training.training().steps() + "_steps_00001_.safetensors";
    }

    private static ObjectNode graph(String folder, String prefix, int steps) {
        try {
            return org.text2image.worker.training.LoraTrainerTest.graph(folder, prefix, steps);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
