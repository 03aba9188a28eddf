package org.text2image.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.InputImage;
import org.text2image.worker.comfyui.ImageRef;
import org.text2image.worker.training.LoraOutput;

/**
 * Deletes the files an attempt left in ComfyUI's own folder once it has ended: ComfyUI keeps every
 * upload in {@code input/} and every saved file in {@code output/} for ever and has no HTTP route to
 * delete them (docs/COMFYUI.md), so a worker that knows the folder ({@code --comfyui-dir}) removes
 * its own:
 *
 * <ul>
 *   <li>a job's saved images and videos ({@code output/text2image/<job>-<attempt>_00001_.png}: each
 *       attempt has its own {@code filename_prefix}, so ComfyUI's cache never points at a deleted file),
 *       after they were uploaded or the attempt failed;
 *   <li>an image-to-video job's input image ({@code input/<subfolder>/<job>-<attempt>.png});
 *   <li>a training's dataset folder ({@code input/<dataset folder>/}, one per attempt) and the LoRA
 *       file SaveLoRA wrote ({@code output/loras/<prefix>_<steps>_steps_00001_.safetensors}).
 * </ul>
 *
 * Only plain names from the claim are used, and every path must stay inside {@code input/} or
 * {@code output/}; anything else is left alone. A file that cannot be deleted is logged (WARN) and
 * does not change how the attempt ended. Without a folder ({@link #none()}) nothing is deleted.
 * Thread-safe.
 */
public final class ComfyUiFolders {

    private static final Logger log = LoggerFactory.getLogger(ComfyUiFolders.class);
    /** A file or folder name the server or a workflow may use: no separators, no {@code ..}. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
    private static final ComfyUiFolders NONE = new ComfyUiFolders(null);

    private final Path root;

    private ComfyUiFolders(Path root) {
        this.root = root;
    }

    /** Deletes nothing (no {@code --comfyui-dir}). */
    public static ComfyUiFolders none() {
        return NONE;
    }

    /**
     * ComfyUI's folder {@code dir}, or {@link #none()} when it is null.
     *
     * @throws IllegalArgumentException when {@code dir} has no {@code input} or no {@code output}
     *     folder (ComfyUI creates both when it starts)
     */
    public static ComfyUiFolders of(Path dir) {
        if (dir == null) {
            return NONE;
        }
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("input")) || !Files.isDirectory(root.resolve("output"))) {
            throw new IllegalArgumentException(dir + " is not ComfyUI's folder: it needs the input and output folders"
                    + " ComfyUI makes when it starts");
        }
        return new ComfyUiFolders(root);
    }

    /** Whether files are deleted (a folder was given). */
    public boolean enabled() {
        return root != null;
    }

    /** Once a finished prompt's outputs were uploaded (or could not be): the files it saved in {@code output/}. */
    public void removeOutputs(Collection<ImageRef> outputs) {
        if (root == null) {
            return;
        }
        for (ImageRef output : outputs) {
            if (output.isOutput()) {
                delete("output", output.subfolder(), output.filename());
            }
        }
    }

    /** After a job's attempt ended, however it ended: its input image, if it had one. */
    public void afterJob(ClaimedJob job) {
        InputImage input = job.inputImage();
        if (root != null && input != null) {
            delete("input", input.subfolder(), input.name());
        }
    }

    /** After a training's attempt ended: its dataset folder in {@code input/} and the LoRA file SaveLoRA wrote. */
    public void afterTraining(ClaimedJob training) {
        if (root == null || training.training() == null) {
            return;
        }
        String folder = training.training().datasetFolder();
        if (folder != null && PLAIN_NAME.matcher(folder).matches()) {
            deleteTree(root.resolve("input").resolve(folder));
        }
        try {
            ImageRef lora = LoraOutput.of(training.workflow());
            delete("output", lora.subfolder(), lora.filename());
        } catch (IllegalArgumentException e) {
            log.debug("training {}: no SaveLoRA file to delete ({})", training.jobId(), e.getMessage());
        }
    }

    /** Deletes {@code <type>/<subfolder>/<name>}, when each part of {@code subfolder} and {@code name} is a plain name. */
    private void delete(String type, String subfolder, String name) {
        Path base = root.resolve(type);
        Path file = base;
        for (String part : (subfolder == null || subfolder.isEmpty() ? "" : subfolder).split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!PLAIN_NAME.matcher(part).matches()) {
                return;
            }
            file = file.resolve(part);
        }
        if (name == null || !PLAIN_NAME.matcher(name).matches()) {
            return;
        }
        file = file.resolve(name).normalize();
        if (!file.startsWith(base)) {
            return;
        }
        try {
            if (Files.deleteIfExists(file)) {
                log.debug("deleted {}", file);
            }
        } catch (IOException e) {
            log.warn("could not delete {} from ComfyUI's folder: {}", file, e.getMessage());
        }
    }

    private void deleteTree(Path dir) {
        Path base = root.resolve("input");
        Path folder = dir.normalize();
        if (!folder.startsWith(base) || folder.equals(base) || !Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
            log.debug("deleted {}", folder);
        } catch (IOException e) {
            log.warn("could not delete {} from ComfyUI's folder: {}", folder, e.getMessage());
        }
    }
}
