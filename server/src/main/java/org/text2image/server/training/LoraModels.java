package org.text2image.server.training;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.io.Resource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.storage.ImageStore;

/**
 * The users' trained LoRAs ({@code lora_model}, docs/TRAINING.md "Using a LoRA"): listing, the
 * owner-only lookup generation uses, the file for workers, and deletion. A deleted LoRA keeps its
 * row with {@code deleted_at} set (its file is gone at once) so that workers can be told to drop
 * their cached copies ({@link #removedSince}).
 */
@Service
public class LoraModels {

    /** How long a deleted LoRA is listed to workers in their claims, so each removes its copy. */
    public static final Duration REMOVAL_NOTICE = Duration.ofDays(30);

    private static final String COLUMNS = """
            id, user_id, training_id, name, trigger_word, base_model_id, checkpoint, sha256, size_bytes, created_at""";

    private final JdbcClient jdbc;
    private final ImageStore store;
    private final Clock clock;

    LoraModels(JdbcClient jdbc, ImageStore store, Clock clock) {
        this.jdbc = jdbc;
        this.store = store;
        this.clock = clock;
    }

    /** The user's LoRAs that are not deleted, newest first. */
    @Transactional(readOnly = true)
    public List<LoraModel> loras(long userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM lora_model WHERE user_id = ? AND deleted_at IS NULL"
                        + " ORDER BY created_at DESC, id").params(userId).query(LoraModels::map).list();
    }

    /**
     * A LoRA its owner may generate with: not deleted and theirs. Empty for another user's LoRA,
     * exactly as for an unknown id (the caller answers both the same way).
     */
    @Transactional(readOnly = true)
    public Optional<LoraModel> usable(UUID id, long userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM lora_model WHERE id = ? AND user_id = ? AND deleted_at IS NULL")
                .params(id, userId).query(LoraModels::map).optional();
    }

    /** A LoRA that is not deleted, for its owner or (with {@code admin}) anyone; empty otherwise. */
    @Transactional(readOnly = true)
    public Optional<LoraModel> lora(UUID id, long userId, boolean admin) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM lora_model WHERE id = ? AND (user_id = ? OR ?) AND deleted_at IS NULL")
                .params(id, userId, admin).query(LoraModels::map).optional();
    }

    /** A LoRA that is not deleted, whoever owns it: for the worker API, which authorises by the job. */
    @Transactional(readOnly = true)
    public Optional<LoraModel> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM lora_model WHERE id = ? AND deleted_at IS NULL")
                .params(id).query(LoraModels::map).optional();
    }

    /**
     * A LoRA with its stored file.
     *
     * @param lora the LoRA (its {@code sizeBytes} is the file's size)
     * @param file the stored bytes, not read yet
     */
    public record Stored(LoraModel lora, Resource file) {
    }

    /**
     * A LoRA that is not deleted, whoever owns it, with its stored file, in one read; empty when
     * unknown, deleted, or its file is missing. Callers check who may have it.
     */
    @Transactional(readOnly = true)
    public Optional<Stored> stored(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + ", storage_key FROM lora_model WHERE id = ? AND deleted_at IS NULL")
                .params(id).query((rs, n) -> new StoredRow(map(rs, n), rs.getString("storage_key"))).optional()
                .flatMap(row -> store.resource(row.storageKey()).map(file -> new Stored(row.lora(), file)));
    }

    private record StoredRow(LoraModel lora, String storageKey) {
    }

    /**
     * SHA-256 hashes (lowercase hex) of LoRAs deleted within {@link #REMOVAL_NOTICE} before now and
     * not also held by a LoRA that is still in use (two trainings can make the same bytes): the
     * files every worker should remove from its cache.
     */
    @Transactional(readOnly = true)
    public List<String> removedSince() {
        Instant since = clock.instant().minus(REMOVAL_NOTICE);
        return jdbc.sql("""
                        SELECT DISTINCT d.sha256 FROM lora_model d
                        WHERE d.deleted_at IS NOT NULL AND d.deleted_at >= ?
                          AND NOT EXISTS (SELECT 1 FROM lora_model k WHERE k.sha256 = d.sha256 AND k.deleted_at IS NULL)
                        ORDER BY d.sha256""").params(Timestamp.from(since)).query(String.class).list();
    }

    /**
     * Deletes the user's LoRA: marks the row deleted and removes its file. A LoRA already deleted
     * is no error (a repeated post).
     *
     * @return false when it is not the user's (nothing done)
     */
    @Transactional
    public boolean delete(UUID id, long userId) {
        Optional<String> key = jdbc.sql("""
                        UPDATE lora_model SET deleted_at = COALESCE(deleted_at, ?) WHERE id = ? AND user_id = ?
                        RETURNING storage_key""").params(Timestamp.from(clock.instant()), id, userId)
                .query(String.class).optional();
        key.ifPresent(store::delete);
        return key.isPresent();
    }

    /**
     * Records a LoRA a training made, in the caller's transaction; its file is already stored under
     * {@code storageKey}.
     *
     * @param sha256 the file's SHA-256, lowercase hex
     */
    @Transactional
    public void insert(UUID id, long userId, UUID trainingId, String name, String triggerWord, String baseModelId,
                       String checkpoint, String storageKey, String sha256, long sizeBytes, Instant now) {
        jdbc.sql("""
                        INSERT INTO lora_model (id, user_id, training_id, name, trigger_word, base_model_id, checkpoint,
                                                storage_key, sha256, size_bytes, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, userId, trainingId, name, triggerWord, baseModelId, checkpoint, storageKey, sha256, sizeBytes,
                        Timestamp.from(now)).update();
    }

    /**
     * Deletes all of a user's LoRAs (account deletion), in the caller's transaction: each is marked
     * deleted and its name scrubbed, and the row stays (the account row is anonymised, not removed)
     * so that workers are told to drop their cached copies ({@link #removedSince}). The files stay
     * until the caller deletes them after it commits.
     *
     * @return the storage keys of the user's LoRAs (a key whose file is already gone is harmless)
     */
    @Transactional
    public List<String> forgetUser(long userId) {
        return jdbc.sql("""
                        UPDATE lora_model SET deleted_at = COALESCE(deleted_at, ?), name = 'Deleted', trigger_word = ''
                        WHERE user_id = ? RETURNING storage_key""")
                .params(Timestamp.from(clock.instant()), userId).query(String.class).list();
    }

    static LoraModel map(ResultSet rs, int row) throws SQLException {
        return new LoraModel(rs.getObject("id", UUID.class), rs.getLong("user_id"), rs.getObject("training_id", UUID.class),
                rs.getString("name"), rs.getString("trigger_word"), rs.getString("base_model_id"),
                rs.getString("checkpoint"), rs.getString("sha256"), rs.getLong("size_bytes"),
                rs.getTimestamp("created_at").toInstant());
    }
}
