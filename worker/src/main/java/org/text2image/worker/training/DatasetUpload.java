package org.text2image.worker.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Pattern;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.UploadedInput;

/**
 * Uploads a dataset into one folder of ComfyUI's {@code input/} with {@code POST /upload/image}
 * (multipart {@code image}, {@code subfolder}, {@code type=input}): each image, then its caption as
 * a {@code .txt} file, which ComfyUI stores the same way (answer
 * {@code {"name": "img0.txt", "subfolder": "<folder>", "type": "input"}}; docs/COMFYUI.md, "LoRA training").
 */
public final class DatasetUpload {

    /** A folder {@code LoadImageTextDataSetFromFolder} can list: one name directly under {@code input/}. */
    private static final Pattern FOLDER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private DatasetUpload() {
    }

    /**
     * The dataset folder of one attempt: {@code text2image-train-<jobId>-<attempt>}. Fresh per
     * attempt because ComfyUI caches the loader's output by folder name; flat because the loader's
     * {@code folder} combo lists only the folders directly under {@code input/}.
     */
    public static String folderFor(String jobId, int attempt) {
        String folder = "text2image-train-" + jobId + "-" + attempt;
        if (!FOLDER.matcher(folder).matches()) {
            throw new IllegalArgumentException("job id not usable in a folder name: " + jobId);
        }
        return folder;
    }

    /**
     * Uploads every image and caption into {@code folder}; returns the number of files sent.
     *
     * @throws IllegalArgumentException when {@code folder} is not a single folder name
     * @throws TrainingFailedException (retryable) when a local file cannot be read, or not retryable
     *     when ComfyUI stored a file under another name than asked
     * @throws org.text2image.worker.comfyui.ComfyUiException when ComfyUI refuses an upload or cannot be reached
     */
    public static int upload(ComfyUiClient client, TrainingDataset dataset, String folder) {
        if (!FOLDER.matcher(folder).matches()) {
            throw new IllegalArgumentException("not a dataset folder name: " + folder);
        }
        int sent = 0;
        for (TrainingImage image : dataset.images()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(image.file());
            } catch (IOException e) {
                throw new TrainingFailedException("cannot read dataset image " + image.name() + ": " + e.getMessage(), true, e);
            }
            check(client.uploadImage(image.name(), folder, image.contentType(), bytes), image.name(), folder);
            sent++;
            if (image.caption().isPresent()) {
                check(client.uploadImage(image.captionName(), folder, "text/plain",
                        image.caption().get().getBytes(StandardCharsets.UTF_8)), image.captionName(), folder);
                sent++;
            }
        }
        return sent;
    }

    private static void check(UploadedInput stored, String name, String folder) {
        if (!stored.name().equals(name) || !stored.subfolder().equals(folder) || !stored.type().equals("input")) {
            throw new TrainingFailedException("ComfyUI stored dataset file " + name + " as " + stored + ", not in input/"
                    + folder, false, null);
        }
    }
}
