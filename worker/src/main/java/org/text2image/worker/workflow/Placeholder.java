package org.text2image.worker.workflow;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The placeholders a workflow template may use, written {@code {{key}}} in the template, with the
 * JSON type each renders to.
 */
public enum Placeholder {
    PROMPT("prompt", Type.STRING),
    NEGATIVE_PROMPT("negative_prompt", Type.STRING),
    WIDTH("width", Type.INTEGER),
    HEIGHT("height", Type.INTEGER),
    BATCH_SIZE("batch_size", Type.INTEGER),
    SEED("seed", Type.INTEGER),
    STEPS("steps", Type.INTEGER),
    CFG("cfg", Type.NUMBER),
    SAMPLER("sampler", Type.STRING),
    SCHEDULER("scheduler", Type.STRING),
    CHECKPOINT("checkpoint", Type.STRING),
    FILENAME_PREFIX("filename_prefix", Type.STRING),
    /** A video's length in frames (e.g. {@code EmptyHunyuanLatentVideo.length}); video models only. */
    FRAMES("frames", Type.INTEGER),
    /** A video's frames per second ({@code CreateVideo.fps}, {@code SaveWEBM.fps}); video models only. */
    FPS("fps", Type.INTEGER),
    /**
     * The name of the job's input image in ComfyUI's {@code input/} folder, as {@code LoadImage}
     * takes it ({@code text2image/<job id>-<attempt>.png}); image-to-video models only. The worker
     * uploads the image there with {@code POST /upload/image} before it queues the prompt.
     */
    INPUT_IMAGE("input_image", Type.STRING),
    /**
     * LoRA training: the dataset folder, a direct subfolder of ComfyUI's {@code input/}
     * ({@code LoadImageTextDataSetFromFolder.folder}, a combo of the folders in {@code input/}, so
     * a nested path is refused: {@code text2image-train-<job id>-<attempt>}). The worker uploads the
     * images and their {@code .txt} captions there with {@code POST /upload/image} first.
     */
    DATASET_FOLDER("dataset_folder", Type.STRING),
    /** LoRA training: optimizer steps ({@code TrainLoraNode.steps}; also in the LoRA file's name). */
    TRAINING_STEPS("training_steps", Type.INTEGER),
    /** LoRA training: the LoRA rank ({@code TrainLoraNode.rank}). */
    LORA_RANK("lora_rank", Type.INTEGER),
    /** LoRA training: the learning rate ({@code TrainLoraNode.learning_rate}, e.g. 0.0005). */
    LEARNING_RATE("learning_rate", Type.NUMBER),
    /**
     * LoRA training: the square size in pixels the images are trained at
     * ({@code ResizeImagesByShorterEdge.shorter_edge}, {@code CenterCropImages.width} and {@code height}).
     */
    TRAINING_RESOLUTION("training_resolution", Type.INTEGER),
    /**
     * LoRA training: the name the trained LoRA is saved under ({@code SaveLoRA.prefix}, written
     * {@code loras/{{lora_prefix}}} in the template); unique per attempt, e.g. {@code t2i-<job id>-<attempt>}.
     * SaveLoRA writes {@code output/loras/<lora_prefix>_<steps>_steps_00001_.safetensors}.
     */
    LORA_PREFIX("lora_prefix", Type.STRING);

    /** The JSON type a placeholder renders to when it is a whole string. */
    public enum Type { STRING, INTEGER, NUMBER }

    private final String key;
    private final Type type;

    Placeholder(String key, Type type) {
        this.key = key;
        this.type = type;
    }

    /** The name written between the braces. */
    public String key() {
        return key;
    }

    /** The JSON type of the rendered value. */
    public Type type() {
        return type;
    }

    /** The placeholder with this key, if any. */
    public static Optional<Placeholder> fromKey(String key) {
        return Arrays.stream(values()).filter(p -> p.key.equals(key)).findFirst();
    }

    /** All keys, in declaration order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(Placeholder::key).toList();
    }
}
