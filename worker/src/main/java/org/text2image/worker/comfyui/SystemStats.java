package org.text2image.worker.comfyui;

import java.util.List;

/**
 * The parts of {@code GET /system_stats} the worker uses: ComfyUI's version and its devices.
 *
 * @param comfyuiVersion {@code system.comfyui_version}, such as {@code 0.8.0}; {@code ""} if absent
 * @param devices the torch devices, GPU first as ComfyUI lists them
 */
public record SystemStats(String comfyuiVersion, List<Device> devices) {

    public SystemStats {
        comfyuiVersion = comfyuiVersion == null ? "" : comfyuiVersion;
        devices = List.copyOf(devices);
    }

    /**
     * One device of {@code devices[]}.
     *
     * @param name such as {@code cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync}, or {@code cpu}
     * @param vramTotalBytes {@code vram_total} in bytes
     * @param vramFreeBytes {@code vram_free} in bytes
     */
    public record Device(String name, long vramTotalBytes, long vramFreeBytes) {
    }
}
