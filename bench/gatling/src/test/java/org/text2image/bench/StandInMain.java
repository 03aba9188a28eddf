package org.text2image.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/**
 * The ComfyUI stand-in (the worker's test code, {@code ComfyUiStandIn}) as its own process for
 * {@code bench/load.sh}: it takes no time per prompt and has the default model's checkpoint
 * installed. Usage: {@code StandInMain <port-file>}; it writes its port (a free port of 127.0.0.1)
 * to that file once it listens, and runs until the process is stopped.
 */
public final class StandInMain {

    /** The checkpoint of {@code config/models.json}'s default model {@code sd15}. */
    static final String CHECKPOINT = "v1-5-pruned-emaonly.safetensors";

    private StandInMain() {
    }

    /**
     * Starts the stand-in and blocks.
     *
     * @param args one argument: the file to write the port to
     * @throws Exception when it cannot start or the file cannot be written
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: StandInMain <port-file>");
        }
        ComfyUiStandIn comfyUi = new ComfyUiStandIn().start().installedCheckpoints(CHECKPOINT);
        Path portFile = Path.of(args[0]);
        Path partial = portFile.resolveSibling(portFile.getFileName() + ".part");
        Files.writeString(partial, Integer.toString(comfyUi.port()));
        Files.move(partial, portFile);
        System.out.println("ComfyUI stand-in on " + comfyUi.baseUrl());
        new CountDownLatch(1).await();
    }
}
