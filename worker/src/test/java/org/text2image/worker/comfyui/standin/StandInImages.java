package org.text2image.worker.comfyui.standin;

import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Writes a save node's images like ComfyUI's {@code SaveImage}: {@code filename_prefix}
 * {@code "acceptance/modelfree"} gives subfolder {@code acceptance} and files
 * {@code modelfree_00001_.png}, {@code modelfree_00002_.png}, … numbered per prefix; the animated
 * and video save nodes write one file per batch ({@link StandInMedia}: SaveVideo a real H.264 {@code .mp4}
 * of the graph's size, one frame per batch image, at CreateVideo's fps,
 * SaveWEBM {@code .webm}, SaveAnimatedWEBP {@code .webp}, SaveAnimatedPNG {@code .png});
 * {@code PreviewImage} writes {@code temp} images. Sizes come from the graph; oversized images fail
 * as ComfyUI does when memory runs out (ws_oom.jsonl).
 */
final class StandInImages {

    /** Largest image the stand-in draws, in pixels (2048 × 2048). */
    static final long MAX_IMAGE_PIXELS = 2048L * 2048;
    /** Largest batch the stand-in draws, in pixels over all images. */
    static final long MAX_RUN_PIXELS = 4 * MAX_IMAGE_PIXELS;

    /** A node failed at run time; becomes an {@code execution_error}. */
    static final class NodeFailure extends Exception {
        private final String exceptionType;

        NodeFailure(String exceptionType, String message) {
            super(message);
            this.exceptionType = exceptionType;
        }

        String exceptionType() {
            return exceptionType;
        }
    }

    private final StandInState state;

    StandInImages(StandInState state) {
        this.state = state;
    }

    /** Fails an EmptyImage / EmptyLatentImage that asks for more pixels than the stand-in draws, with ws_oom.jsonl's message. */
    void checkMemory(Graph graph, String node) throws NodeFailure {
        String type = graph.classType(node);
        if (!type.equals("EmptyImage") && !type.equals("EmptyLatentImage")) {
            return;
        }
        Graph.Size size = graph.size(node);
        long pixels = (long) size.width() * size.height();
        if (pixels > MAX_IMAGE_PIXELS || pixels * size.batchSize() > MAX_RUN_PIXELS) {
            throw new NodeFailure("RuntimeError", "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: "
                    + "can't allocate memory: you tried to allocate " + pixels * size.batchSize() * 4
                    + " bytes. Error code 12 (Cannot allocate memory)");
        }
    }

    /** Draws and stores the node's images; returns the {@code images} list of its output. */
    ArrayNode save(Graph graph, String node) throws NodeFailure {
        boolean preview = graph.classType(node).equals("PreviewImage");
        String prefix = preview ? "ComfyUI_temp_" + randomLetters()
                : graph.inputs(node).path("filename_prefix").asString("ComfyUI");
        if (prefix.startsWith("/") || prefix.contains("..")) {
            throw new NodeFailure("Exception", "**** ERROR: Saving image outside the output folder is not allowed.");
        }
        int slash = prefix.lastIndexOf('/');
        String subfolder = slash < 0 ? "" : prefix.substring(0, slash);
        String basename = prefix.substring(slash + 1);
        String type = preview ? "temp" : "output";
        Graph.Size size = graph.size(node);
        int batch = Math.max(1, size.batchSize());
        int width = Math.max(1, size.width());
        int height = Math.max(1, size.height());
        if ((long) width * height > MAX_IMAGE_PIXELS || (long) width * height * batch > MAX_RUN_PIXELS) {
            throw new NodeFailure("torch.OutOfMemoryError", "Allocation on device ");
        }
        String classType = graph.classType(node);
        ArrayNode images = JsonNodeFactory.instance.arrayNode();
        if (StandInMedia.animated(classType)) { // one file for the whole batch, as the captured ComfyUI writes
            String extension = classType.equals("SaveVideo") ? state.videoExtension() : StandInMedia.extension(classType);
            int number = state.reserveCounter(type + "/" + subfolder, basename, 1);
            String filename = String.format("%s_%05d_.%s", basename, number, extension);
            byte[] file = switch (extension) {
                case "png" -> Pngs.solid(width, height, graph.color(node));
                case "mp4" -> StandInMedia.h264Mp4(width, height, batch, graph.fps(node)); // frames = the batch
                case "webm" -> StandInMedia.webm(width, height, number * 31 + node.hashCode());
                default -> StandInMedia.file(extension, number * 31 + node.hashCode());
            };
            state.putFile(type, subfolder, filename, file);
            images.addObject().put("filename", filename).put("subfolder", subfolder).put("type", type);
            return images;
        }
        int counter = state.reserveCounter(type + "/" + subfolder, basename, batch);
        int color = graph.color(node);
        for (int i = 0; i < batch; i++) {
            String filename = String.format("%s_%05d_.png", basename, counter + i);
            state.putFile(type, subfolder, filename, Pngs.solid(width, height, (color + i * 0x101010) & 0xffffff));
            images.addObject().put("filename", filename).put("subfolder", subfolder).put("type", type);
        }
        return images;
    }

    private static String randomLetters() {
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            letters.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return letters.toString();
    }
}
