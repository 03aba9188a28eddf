package org.text2image.server.training;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.storage.ImageStore;

/**
 * A user's LoRA training datasets (docs/TRAINING.md, "Datasets"): create one (when the user's plan
 * has LoRA trainings), add {@value #MAX_IMAGES} images at most (each checked by
 * {@link DatasetImageCheck}), caption, remove and delete. Every method taking a {@code userId}
 * finds only that user's datasets: another user's dataset is "not found" (empty), never an error
 * that tells it exists. Bad input throws {@link DatasetInputException} and stores nothing (no row,
 * no file).
 */
@Service
public class LoraDatasets {

    /** Images a dataset needs before it can be trained on. */
    public static final int MIN_IMAGES = 5;
    /** Most images in one dataset. */
    public static final int MAX_IMAGES = 30;
    /** Longest dataset name, in characters. */
    public static final int MAX_NAME = 60;
    /** Longest caption, in characters. */
    public static final int MAX_CAPTION = 500;
    /** A trigger word: 1–40 letters, digits, {@code _} or {@code -}. */
    public static final Pattern TRIGGER_WORD = Pattern.compile("[A-Za-z0-9_-]{1,40}");

    private final JdbcClient jdbc;
    private final ImageStore store;
    private final UserPlans plans;
    private final Clock clock;

    LoraDatasets(JdbcClient jdbc, ImageStore store, UserPlans plans, Clock clock) {
        this.jdbc = jdbc;
        this.store = store;
        this.plans = plans;
        this.clock = clock;
    }

    /**
     * Whether a user may create datasets.
     *
     * @param allowed their plan has LoRA trainings (weekly or yearly &gt; 0), or the site has no plans file
     * @param planName the user's plan
     * @param allowingPlan the first plan of the catalogue with LoRA trainings (empty when none has)
     */
    public record Allowance(boolean allowed, String planName, Optional<String> allowingPlan) {
    }

    /** One image to add: its uploaded name (for messages) and its bytes. */
    public record Upload(String filename, byte[] bytes) {
    }

    /** Whether {@code userId} may create a dataset, and which plan would let them. */
    public Allowance allowance(long userId) {
        Plan plan = plans.planOf(userId);
        boolean noPlans = plans.catalogue().all().isEmpty();
        Optional<String> allowing = plans.catalogue().all().stream().filter(LoraDatasets::trains).map(Plan::name).findFirst();
        return new Allowance(noPlans || trains(plan), plan.name(), allowing);
    }

    private static boolean trains(Plan plan) {
        return plan.loraTrainings().weekly() > 0 || plan.loraTrainings().yearly() > 0;
    }

    /** Whether the user has any dataset. */
    @Transactional(readOnly = true)
    public boolean hasDatasets(long userId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM lora_dataset WHERE user_id = ?)").params(userId)
                .query(Boolean.class).single();
    }

    /** The user's datasets, newest first. */
    @Transactional(readOnly = true)
    public List<Dataset> datasets(long userId) {
        return jdbc.sql("""
                        SELECT d.id, d.user_id, d.name, d.trigger_word, d.created_at,
                               (SELECT count(*) FROM lora_dataset_image i WHERE i.dataset_id = d.id) AS images
                        FROM lora_dataset d WHERE d.user_id = ? ORDER BY d.created_at DESC, d.id""")
                .params(userId).query(LoraDatasets::dataset).list();
    }

    /** The dataset, when {@code userId} owns it (or {@code admin} is true); empty otherwise. */
    @Transactional(readOnly = true)
    public Optional<Dataset> dataset(UUID id, long userId, boolean admin) {
        return jdbc.sql("""
                        SELECT d.id, d.user_id, d.name, d.trigger_word, d.created_at,
                               (SELECT count(*) FROM lora_dataset_image i WHERE i.dataset_id = d.id) AS images
                        FROM lora_dataset d WHERE d.id = ? AND (d.user_id = ? OR ?)""")
                .params(id, userId, admin).query(LoraDatasets::dataset).optional();
    }

    /** The dataset's images, oldest first (empty for a dataset the viewer may not see). */
    @Transactional(readOnly = true)
    public List<DatasetImage> images(UUID datasetId, long userId, boolean admin) {
        return jdbc.sql("""
                        SELECT i.* FROM lora_dataset_image i JOIN lora_dataset d ON d.id = i.dataset_id
                        WHERE i.dataset_id = ? AND (d.user_id = ? OR ?) ORDER BY i.created_at, i.id""")
                .params(datasetId, userId, admin).query(LoraDatasets::image).list();
    }

    /** An image's bytes with its row, for its owner or an admin; empty otherwise or when the file is gone. */
    @Transactional(readOnly = true)
    public Optional<ImageFile> imageFile(UUID datasetId, UUID imageId, long userId, boolean admin) {
        return jdbc.sql("""
                        SELECT i.* FROM lora_dataset_image i JOIN lora_dataset d ON d.id = i.dataset_id
                        WHERE i.id = ? AND i.dataset_id = ? AND (d.user_id = ? OR ?)""")
                .params(imageId, datasetId, userId, admin).query(LoraDatasets::image).optional()
                .flatMap(image -> store.resource(image.storageKey()).map(resource -> new ImageFile(image, resource)));
    }

    /** An image's row and its bytes as a resource. */
    public record ImageFile(DatasetImage image, Resource resource) {
    }

    /** What a form's one-time key looks like (a UUID as the forms write it); another value is ignored. */
    public static final java.util.regex.Pattern FORM_KEY = java.util.regex.Pattern.compile("[0-9a-f-]{36}");
    /** How long an Add images key is kept. */
    static final java.time.Duration UPLOAD_KEY_KEPT = java.time.Duration.ofDays(1);

    /**
     * Creates a dataset, without a one-time key.
     *
     * @return its id
     * @throws DatasetInputException for a bad name or trigger word, or a plan without LoRA trainings
     */
    @Transactional
    public UUID create(long userId, String name, String triggerWord) {
        return create(userId, name, triggerWord, null);
    }

    /**
     * Creates a dataset once per {@code formKey}: a second post of the key (a double click, a replay,
     * on any server instance) returns the dataset the first made. The unique index on
     * {@code (user_id, form_key)} (V34) settles two posts at the same moment: the second insert
     * waits for the first transaction and then finds its row.
     *
     * @param formKey the New dataset form's one-time key; null or malformed runs without one
     * @return its id
     * @throws DatasetInputException for a bad name or trigger word, or a plan without LoRA trainings
     */
    @Transactional
    public UUID create(long userId, String name, String triggerWord, String formKey) {
        String trimmedName = name == null ? "" : name.strip();
        String word = triggerWord == null ? "" : triggerWord.strip();
        Allowance allowance = allowance(userId);
        if (!allowance.allowed()) {
            throw new DatasetInputException("name", "Custom models need a plan with LoRA trainings; your plan, "
                    + allowance.planName() + ", has none.");
        }
        if (trimmedName.isEmpty() || trimmedName.codePointCount(0, trimmedName.length()) > MAX_NAME) {
            throw new DatasetInputException("name", "The name must be 1 to " + MAX_NAME + " characters.");
        }
        if (!TRIGGER_WORD.matcher(word).matches()) {
            throw new DatasetInputException("triggerWord",
                    "The trigger word must be 1 to 40 letters, digits, _ or - (no spaces or other characters).");
        }
        String key = formKey != null && FORM_KEY.matcher(formKey).matches() ? formKey : null;
        UUID id = UUID.randomUUID();
        int inserted = jdbc.sql("""
                        INSERT INTO lora_dataset (id, user_id, name, trigger_word, created_at, form_key)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (user_id, form_key) WHERE form_key IS NOT NULL DO NOTHING""")
                .params(id, userId, trimmedName, word, java.sql.Timestamp.from(clock.instant()), key).update();
        if (inserted == 1) {
            return id;
        }
        return jdbc.sql("SELECT id FROM lora_dataset WHERE user_id = ? AND form_key = ?").params(userId, key)
                .query(UUID.class).single();
    }

    /**
     * Adds images to the user's dataset, all or none: every image is checked first, and the dataset
     * may hold at most {@value #MAX_IMAGES} afterwards.
     *
     * @return false when the dataset is not the user's (nothing done)
     * @throws DatasetInputException (field {@code images}) naming the first refused image or the limit
     */
    @Transactional
    public boolean addImages(UUID datasetId, long userId, List<Upload> uploads) {
        return addImages(datasetId, userId, uploads, null);
    }

    /**
     * {@link #addImages(UUID, long, List)} once per {@code formKey}: the key is stored with the images
     * ({@code lora_upload_key}, V34) and checked under the dataset's row lock, so a second post of it
     * (a double click, a replay, on any instance) waits for the first and then adds nothing.
     *
     * @param formKey the Add images form's one-time key; null or malformed runs without one
     * @return false when the dataset is not the user's (nothing done); true when the images were
     *     added, now or by an earlier post of the key
     */
    @Transactional
    public boolean addImages(UUID datasetId, long userId, List<Upload> uploads, String formKey) {
        if (!lockOwned(datasetId, userId)) {
            return false;
        }
        String onceKey = formKey != null && FORM_KEY.matcher(formKey).matches() ? formKey : null;
        if (onceKey != null) {
            jdbc.sql("DELETE FROM lora_upload_key WHERE dataset_id = ? AND created_at < ?")
                    .params(datasetId, java.sql.Timestamp.from(clock.instant().minus(UPLOAD_KEY_KEPT))).update();
            if (jdbc.sql("SELECT count(*) FROM lora_upload_key WHERE dataset_id = ? AND form_key = ?")
                    .params(datasetId, onceKey).query(Integer.class).single() > 0) {
                return true;
            }
            jdbc.sql("INSERT INTO lora_upload_key (dataset_id, form_key, created_at) VALUES (?, ?, ?)")
                    .params(datasetId, onceKey, java.sql.Timestamp.from(clock.instant())).update();
        }
        if (uploads.isEmpty()) {
            throw new DatasetInputException("images", "Choose at least one image.");
        }
        int count = imageCount(datasetId);
        if (count + uploads.size() > MAX_IMAGES) {
            throw new DatasetInputException("images", "A dataset holds at most %d images; it has %d, so %d more can be added."
                    .formatted(MAX_IMAGES, count, Math.max(0, MAX_IMAGES - count)));
        }
        List<DatasetImageCheck.Checked> checked = uploads.stream()
                .map(upload -> DatasetImageCheck.check(upload.filename(), upload.bytes())).toList();
        List<String> written = new ArrayList<>();
        try {
            Instant now = clock.instant();
            for (int i = 0; i < uploads.size(); i++) {
                UUID imageId = UUID.randomUUID();
                String key = "lora/" + datasetId + "/" + imageId;
                DatasetImageCheck.Checked image = checked.get(i);
                store.put(key, uploads.get(i).bytes());
                written.add(key);
                jdbc.sql("""
                                INSERT INTO lora_dataset_image (id, dataset_id, storage_key, content_type, size_bytes,
                                                                width, height, caption, created_at)
                                VALUES (?, ?, ?, ?, ?, ?, ?, '', ?)""")
                        .params(imageId, datasetId, key, image.contentType(), uploads.get(i).bytes().length,
                                image.width(), image.height(), java.sql.Timestamp.from(now.plusNanos(i * 1000L))).update();
            }
        } catch (RuntimeException e) {
            written.forEach(store::delete); // the transaction rolls the rows back; no file may stay
            throw e;
        }
        return true;
    }

    /**
     * Sets an image's caption (stripped; empty allowed).
     *
     * @return false when the image is not in the user's dataset
     * @throws DatasetInputException (field {@code caption}) over {@value #MAX_CAPTION} characters
     */
    @Transactional
    public boolean caption(UUID datasetId, UUID imageId, long userId, String caption) {
        String text = caption == null ? "" : caption.strip();
        if (!lockOwned(datasetId, userId) || !hasImage(datasetId, imageId)) {
            return false;
        }
        if (text.codePointCount(0, text.length()) > MAX_CAPTION) {
            throw new DatasetInputException("caption", "A caption may be at most " + MAX_CAPTION + " characters.");
        }
        jdbc.sql("UPDATE lora_dataset_image SET caption = ? WHERE id = ? AND dataset_id = ?")
                .params(text, imageId, datasetId).update();
        return true;
    }

    /**
     * Removes an image and its file; an image already removed is no error (a repeated post).
     *
     * @return false when the dataset is not the user's
     */
    @Transactional
    public boolean removeImage(UUID datasetId, UUID imageId, long userId) {
        if (!lockOwned(datasetId, userId)) {
            return false;
        }
        Optional<String> key = jdbc.sql("DELETE FROM lora_dataset_image WHERE id = ? AND dataset_id = ? RETURNING storage_key")
                .params(imageId, datasetId).query(String.class).optional();
        key.ifPresent(store::delete);
        return true;
    }

    /** Deletes the user's dataset, its images and their files; false when it is not theirs (or already gone). */
    @Transactional
    public boolean delete(UUID datasetId, long userId) {
        if (!lockOwned(datasetId, userId)) {
            return false;
        }
        List<String> keys = jdbc.sql("DELETE FROM lora_dataset_image WHERE dataset_id = ? RETURNING storage_key")
                .params(datasetId).query(String.class).list();
        jdbc.sql("DELETE FROM lora_dataset WHERE id = ?").params(datasetId).update();
        keys.forEach(store::delete);
        return true;
    }

    /**
     * Removes all of a user's datasets and their image rows (account deletion), in the caller's
     * transaction; the files stay until {@link #deleteFiles} is called after it commits.
     *
     * @return the storage keys of the removed images
     */
    @Transactional
    public List<String> forgetUser(long userId) {
        List<String> keys = jdbc.sql("""
                        DELETE FROM lora_dataset_image WHERE dataset_id IN (SELECT id FROM lora_dataset WHERE user_id = ?)
                        RETURNING storage_key""").params(userId).query(String.class).list();
        jdbc.sql("DELETE FROM lora_dataset WHERE user_id = ?").params(userId).update();
        return keys;
    }

    /** Deletes the files under these keys (those {@link #forgetUser} returned), once their rows are gone. */
    public void deleteFiles(List<String> keys) {
        keys.forEach(store::delete);
    }

    private boolean lockOwned(UUID datasetId, long userId) {
        return jdbc.sql("SELECT id FROM lora_dataset WHERE id = ? AND user_id = ? FOR UPDATE")
                .params(datasetId, userId).query(UUID.class).optional().isPresent();
    }

    private boolean hasImage(UUID datasetId, UUID imageId) {
        return jdbc.sql("SELECT count(*) FROM lora_dataset_image WHERE id = ? AND dataset_id = ?")
                .params(imageId, datasetId).query(Integer.class).single() > 0;
    }

    private int imageCount(UUID datasetId) {
        return jdbc.sql("SELECT count(*) FROM lora_dataset_image WHERE dataset_id = ?")
                .params(datasetId).query(Integer.class).single();
    }

    private static Dataset dataset(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Dataset(rs.getObject("id", UUID.class), rs.getLong("user_id"), rs.getString("name"),
                rs.getString("trigger_word"), rs.getInt("images"), rs.getTimestamp("created_at").toInstant());
    }

    private static DatasetImage image(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new DatasetImage(rs.getObject("id", UUID.class), rs.getObject("dataset_id", UUID.class),
                rs.getString("storage_key"), rs.getString("content_type"), rs.getLong("size_bytes"), rs.getInt("width"),
                rs.getInt("height"), rs.getString("caption"), rs.getTimestamp("created_at").toInstant());
    }
}
