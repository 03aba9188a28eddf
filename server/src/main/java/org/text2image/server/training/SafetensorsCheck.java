package org.text2image.server.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Checks that a file is a safetensors file as SaveLoRA writes it: an 8-byte little-endian header
 * length N with 2 ≤ N ≤ {@value #MAX_HEADER_BYTES} and N + 8 ≤ the file's size, then N bytes of
 * JSON whose first byte is <code>{</code>. Reads the file once, computing its SHA-256 on the way; the
 * header is never held in memory.
 */
final class SafetensorsCheck {

    /** Largest header a safetensors file may declare (the format's own bound): 100 MB. */
    static final long MAX_HEADER_BYTES = 100L * 1000 * 1000;

    private SafetensorsCheck() {
    }

    /**
     * @param maxBytes the largest file accepted ({@code max-lora-bytes})
     * @return the file's SHA-256, lowercase hex
     * @throws InvalidLoraFileException naming the rule the file breaks
     */
    static String check(Path file, long maxBytes) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new InvalidLoraFileException("The LoRA file is " + size + " bytes; at most " + maxBytes
                        + " bytes are accepted (text2image.training.max-lora-bytes).", true);
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] head = in.readNBytes(9);
                if (head.length < 9) {
                    throw new InvalidLoraFileException("The LoRA file is not a safetensors file: it is only " + size
                            + " bytes long.", false);
                }
                long headerLength = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                    throw new InvalidLoraFileException("The LoRA file is not a safetensors file: its header length "
                            + Long.toUnsignedString(headerLength) + " is not between 2 and " + MAX_HEADER_BYTES + ".", false);
                }
                if (headerLength + 8 > size) {
                    throw new InvalidLoraFileException("The LoRA file is not a safetensors file: its header of "
                            + headerLength + " bytes runs past the end of the " + size + "-byte file.", false);
                }
                if (head[8] != '{') {
                    throw new InvalidLoraFileException("The LoRA file is not a safetensors file: its header is not a JSON object.",
                            false);
                }
                sha.update(head);
                byte[] buffer = new byte[256 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the uploaded LoRA file", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
