package org.text2image.worker.comfyui.standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The captured ComfyUI workflows and answers shipped with the stand-in (classpath
 * {@code /comfyui/}, copied from {@code fixtures/comfyui/}), as named factory methods.
 */
public final class ComfyUiFixtures {

    /** The checkpoint {@link #sd15Workflow()} loads. */
    public static final String SD15_CHECKPOINT = "v1-5-pruned-emaonly.safetensors";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ComfyUiFixtures() {
    }

    /** wf_sd15.json: CheckpointLoaderSimple → CLIPTextEncode ×2 → EmptyLatentImage 512×512 → KSampler (20 steps) → VAEDecode → SaveImage. */
    public static ObjectNode sd15Workflow() {
        return workflow("wf_sd15.json");
    }

    /** wf_modelfree.json: EmptyImage 64×48 → ImageInvert → SaveImage "acceptance/modelfree"; needs no checkpoint. */
    public static ObjectNode modelFreeWorkflow() {
        return workflow("wf_modelfree.json");
    }

    /** The model-free video graph: EmptyImage (8 frames) → CreateVideo → SaveVideo, and → SaveWEBM (as wf_video_outputs.json). */
    public static ObjectNode videoWorkflow() {
        return workflow("video/wf_video_standin.json");
    }

    /** A graph from {@code /comfyui/<name>}, a fresh copy each call. */
    public static ObjectNode workflow(String name) {
        return (ObjectNode) JSON.readTree(text(name));
    }

    /** The text of {@code /comfyui/<name>}. */
    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** The bytes of {@code /comfyui/<name>}. */
    public static byte[] bytes(String name) {
        try (InputStream in = ComfyUiFixtures.class.getResourceAsStream("/comfyui/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture /comfyui/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
