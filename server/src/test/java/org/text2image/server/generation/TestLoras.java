package org.text2image.server.generation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.TestDatabase;

/**
 * Users' LoRAs for tests: a {@code lora_model} row written directly (the training pipeline that
 * makes them is not needed) and its file in the image store.
 */
public final class TestLoras {

    /**
     * A LoRA made for a test.
     *
     * @param id its id
     * @param sha256 its file's hash
     * @param bytes its file
     */
    public record Lora(UUID id, String sha256, byte[] bytes) {

        /** The Generate form's model value for it. */
        public String formValue() {
            return "lora:" + id;
        }
    }

    private TestLoras() {
    }

    /** A LoRA of {@code userId} named {@code name}, trained on {@code baseModelId}. */
    public static Lora create(TestDatabase db, ImageStore store, long userId, String name, String baseModelId) {
        UUID id = UUID.randomUUID();
        byte[] bytes = ("safetensors of " + id).getBytes(StandardCharsets.UTF_8);
        String sha256;
        try {
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String key = "lora-models/" + userId + "/" + id + ".safetensors";
        store.put(key, bytes);
        db.jdbc().sql("""
                        INSERT INTO lora_model (id, user_id, name, trigger_word, base_model_id, checkpoint, storage_key,
                                                sha256, size_bytes, created_at)
                        VALUES (?, ?, ?, 'sks', ?, 'v1-5-pruned-emaonly.safetensors', ?, ?, ?, ?)""")
                .params(id, userId, name, baseModelId, key, sha256, bytes.length, Timestamp.from(Instant.now()))
                .update();
        return new Lora(id, sha256, bytes);
    }
}
