package org.text2image.worker.training;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.io.OutputStream;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.ComfyUiException;
import org.text2image.worker.comfyui.ComfyUiOutputTooLargeException;
import org.text2image.worker.comfyui.ComfyUiUnavailableException;
import org.text2image.worker.comfyui.ComfyUiValidationException;
import org.text2image.worker.comfyui.ImageRef;
import org.text2image.worker.comfyui.PromptError;
import org.text2image.worker.comfyui.PromptHistory;
import org.text2image.worker.comfyui.PromptRun;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one LoRA training attempt on ComfyUI (docs/COMFYUI.md, "LoRA training"): uploads the
 * dataset into the folder the graph's {@code LoadImageTextDataSetFromFolder} reads, queues the
 * graph, reports {@code TrainLoraNode}'s steps, waits for the end, then downloads the file
 * {@code SaveLoRA} wrote (not reported by ComfyUI: its name is derived by {@link LoraOutput}) and
 * hashes it. One attempt at a time per instance; {@link #cancel()} may be called from another thread.
 */
public final class LoraTrainer {

    private final ComfyUiClient client;
    private final String clientId;
    private final PromptRun.Timing timing;
    private final Duration maxRun;
    private final Path downloadDir;
    private final Clock clock;
    private volatile boolean cancelled;
    private volatile String runningPromptId;

    /**
     * @param clientId the WebSocket {@code client_id} the prompt is posted with (a socket of its own is opened)
     * @param maxRun how long a run may take, queue time included, before it is interrupted and fails (retryable)
     * @param downloadDir where the LoRA's temporary file is created
     */
    public LoraTrainer(ComfyUiClient client, String clientId, PromptRun.Timing timing, Duration maxRun,
                       Path downloadDir, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.maxRun = Objects.requireNonNull(maxRun, "maxRun");
        this.downloadDir = Objects.requireNonNull(downloadDir, "downloadDir");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Trains one LoRA.
     *
     * @param dataset the images and captions, uploaded into the graph's dataset folder
     * @param graph the rendered training graph (e.g. config/workflows/train-lora-sd15.json): one
     *     {@code LoadImageTextDataSetFromFolder} whose {@code folder} is this attempt's fresh folder
     *     ({@link DatasetUpload#folderFor}) and one {@code SaveLoRA} with a prefix unique to the attempt
     * @param promptId the id to queue the prompt under (the attempt's)
     * @param steps receives each training step
     * @return the downloaded LoRA: temporary file, name, size, SHA-256
     * @throws TrainingCancelledException when {@link #cancel()} stopped the run (nothing is saved)
     * @throws TrainingFailedException on a validation error (not retryable; e.g. a dataset folder
     *     ComfyUI does not list: {@code folder: '<name>' not in [...]}), a run error or timeout
     *     (retryable), ComfyUI unreachable (retryable), or no LoRA file after a successful run (not retryable)
     * @throws InterruptedException when the calling thread is interrupted (the prompt is left running)
     */
    public TrainedLora train(TrainingDataset dataset, ObjectNode graph, String promptId, TrainingStepListener steps)
            throws InterruptedException {
        String folder = datasetFolder(graph);
        ImageRef lora = LoraOutput.of(graph);
        try {
            DatasetUpload.upload(client, dataset, folder);
            PromptHistory history = run(graph, promptId, steps);
            if (!history.succeeded()) {
                if (cancelled || history.error().map(PromptError::interrupted).orElse(false)) {
                    throw new TrainingCancelledException("training interrupted"
                            + history.error().map(e -> " in " + e.nodeType()).orElse("") + "; no LoRA was saved");
                }
                throw new TrainingFailedException("ComfyUI error"
                        + history.error().map(e -> e.nodeType().isEmpty() ? "" : " in " + e.nodeType()).orElse("")
                        + ": " + history.errorText().orElse(history.statusStr()), true, null);
            }
            return download(lora);
        } catch (ComfyUiValidationException e) {
            throw new TrainingFailedException(e.getMessage(), false, e);
        } catch (ComfyUiOutputTooLargeException e) {
            throw new TrainingFailedException("LoRA too large: " + e.getMessage(), false, e);
        } catch (ComfyUiUnavailableException e) {
            throw new TrainingFailedException("ComfyUI unreachable: " + e.getMessage(), true, e);
        } catch (ComfyUiException e) {
            throw new TrainingFailedException("ComfyUI error: " + e.getMessage(), true, e);
        }
    }

    /**
     * Stops the attempt: {@code POST /interrupt {"prompt_id"}} when its prompt is queued or
     * running (ComfyUI stops at the next training step and saves nothing); before that, the
     * attempt ends without queueing. {@link #train} then throws {@link TrainingCancelledException}.
     */
    public void cancel() {
        cancelled = true;
        String promptId = runningPromptId;
        if (promptId != null) {
            client.interrupt(promptId);
        }
    }

    private PromptHistory run(ObjectNode graph, String promptId, TrainingStepListener steps) throws InterruptedException {
        try (PromptRun run = PromptRun.open(client, clientId, promptId, steps::onStep, timing, clock)) {
            if (cancelled) {
                throw new TrainingCancelledException("training cancelled before it was queued");
            }
            client.submit(graph, promptId, clientId);
            runningPromptId = promptId;
            if (cancelled) { // cancel() ran between the check and the post, before the id was known
                client.interrupt(promptId);
            }
            Optional<PromptHistory> history = run.awaitDone(maxRun);
            if (history.isEmpty()) {
                client.interrupt(promptId);
                throw new TrainingFailedException("training did not finish within " + maxRun, true, null);
            }
            return history.get();
        } finally {
            runningPromptId = null;
        }
    }

    /** The graph's {@code LoadImageTextDataSetFromFolder} folder (literal). */
    private static String datasetFolder(ObjectNode graph) {
        String folder = null;
        for (Map.Entry<String, JsonNode> node : graph.properties()) {
            if (node.getValue().path("class_type").asString("").equals("LoadImageTextDataSetFromFolder")) {
                JsonNode value = node.getValue().path("inputs").path("folder");
                if (folder != null || !value.isString()) {
                    throw new IllegalArgumentException("a training graph needs one LoadImageTextDataSetFromFolder with a literal folder");
                }
                folder = value.stringValue();
            }
        }
        if (folder == null) {
            throw new IllegalArgumentException("a training graph needs a LoadImageTextDataSetFromFolder node");
        }
        return folder;
    }

    /** Downloads the LoRA, checks it is a safetensors file, and hashes it. */
    private TrainedLora download(ImageRef lora) {
        Path file;
        try {
            file = Files.createTempFile(downloadDir, "lora-", ".safetensors");
        } catch (IOException e) {
            throw new TrainingFailedException("cannot create a file for the LoRA in " + downloadDir + ": " + e.getMessage(), true, e);
        }
        boolean kept = false;
        try {
            long size;
            try {
                size = client.download(lora, file);
            } catch (ComfyUiUnavailableException | ComfyUiOutputTooLargeException e) {
                throw e;
            } catch (ComfyUiException e) {
                throw new TrainingFailedException("ComfyUI has no LoRA file " + lora.subfolder() + "/" + lora.filename()
                        + " after the training run (SaveLoRA reports none; is its prefix unique to the attempt?)", false, e);
            }
            String sha256 = checkAndHash(file, size, lora.filename());
            kept = true;
            return new TrainedLora(file, lora.filename(), size, sha256);
        } finally {
            if (!kept) {
                deleteQuietly(file);
            }
        }
    }

    /**
     * Checks the safetensors layout (an 8-byte little-endian header length N, then N bytes of JSON
     * starting with {@code {}, then the tensor data) and returns the file's SHA-256 in hex.
     */
    static String checkAndHash(Path file, long size, String name) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] head = in.readNBytes(9);
            long headerLength = head.length < 9 ? -1 : ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > size - 8 || head[8] != '{') {
                throw new TrainingFailedException("ComfyUI's " + name + " is not a safetensors file", false, null);
            }
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new TrainingFailedException("cannot read the downloaded LoRA: " + e.getMessage(), true, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file; the directory is cleaned with the worker's others
        }
    }
}
