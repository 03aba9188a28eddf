package org.text2image.server.training;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;

/** Datasets and LoRA files for the training tests. */
public final class TrainingFixtures {

    private TrainingFixtures() {
    }

    /** A dataset of {@code images} distinct 512 × 512 PNGs with captions. */
    public static UUID dataset(LoraDatasets datasets, long userId, String name, int images) {
        UUID id = datasets.create(userId, name, "mycat");
        List<LoraDatasets.Upload> uploads = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            uploads.add(new LoraDatasets.Upload("cat" + i + ".png", png(i)));
        }
        for (int from = 0; from < uploads.size(); from += 10) {
            datasets.addImages(id, userId, uploads.subList(from, Math.min(uploads.size(), from + 10)));
        }
        return id;
    }

    /** A distinct 512 × 512 PNG for each seed. */
    public static byte[] png(int seed) {
        BufferedImage image = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(seed * 37 % 256, seed * 91 % 256, 120));
        g.fillRect(0, 0, 512, 512);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** A small safetensors file: the 8-byte header length, a JSON header, then {@code dataBytes} bytes of tensor data. */
    static byte[] safetensors(int dataBytes) {
        byte[] header = ("{\"lora.weight\":{\"dtype\":\"BF16\",\"shape\":[" + dataBytes / 2 + "],\"data_offsets\":[0,"
                + dataBytes + "]}}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header);
        for (int i = 0; i < dataBytes; i++) {
            file.put((byte) (i * 7));
        }
        return file.array();
    }
}
