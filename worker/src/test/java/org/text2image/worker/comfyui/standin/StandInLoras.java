package org.text2image.worker.comfyui.standin;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Small LoRA files in the safetensors layout SaveLoRA writes: an 8-byte little-endian header
 * length N, N bytes of JSON naming each tensor's dtype, shape and data offsets (padded with spaces
 * to a multiple of 8), then the tensor data. One tensor, named and shaped as in lora_file_keys.txt
 * ({@code diffusion_model.input_blocks.0.0.lora_down.weight [8, 36] BF16}); its bytes follow from
 * the prompt id, so two runs give different files.
 */
public final class StandInLoras {

    private static final String TENSOR = "diffusion_model.input_blocks.0.0.lora_down.weight";
    private static final int DATA_BYTES = 8 * 36 * 2;

    private StandInLoras() {
    }

    /** The file a training run of {@code promptId} saves. */
    public static byte[] safetensors(String promptId) {
        StringBuilder header = new StringBuilder("{\"" + TENSOR + "\":{\"dtype\":\"BF16\",\"shape\":[8,36],\"data_offsets\":[0,"
                + DATA_BYTES + "]}}");
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + DATA_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        long seed = promptId.hashCode();
        for (int i = 0; i < DATA_BYTES; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            file.put((byte) (seed >>> 56));
        }
        return file.array();
    }
}
