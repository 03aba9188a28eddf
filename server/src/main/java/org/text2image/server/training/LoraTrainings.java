package org.text2image.server.training;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.catalog.Model;
import org.text2image.server.plans.GrantedPeriod;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.storage.ImageStore;

/**
 * The user's side of LoRA trainings (docs/TRAINING.md, "Training jobs" and "Allowance"): the
 * allowance, submitting from a dataset, cancelling, and the views. Every method taking a
 * {@code userId} finds only that user's trainings; another user's is "not found", exactly as an
 * unknown id.
 *
 * <p>Submitting locks the user's account row before it counts, so two submits at once with one
 * training left accept one; the row itself takes the allowance unit, and a training ended FAILED
 * or CANCELLED gives it back in the statement that ends it ({@code allowance_returned_at}).
 */
@Service
public class LoraTrainings {

    private static final Logger log = LoggerFactory.getLogger(LoraTrainings.class);
    /** Longest one-time form key of a Train form, in characters. */
    public static final int MAX_SUBMIT_KEY = 100;
    /** Most trainings the lists show. */
    public static final int MAX_LISTED = 100;

    private final JdbcClient jdbc;
    private final TrainingRows rows;
    private final LoraDatasets datasets;
    private final LoraModels loras;
    private final UserPlans plans;
    private final AccountDirectory accounts;
    private final TrainingSetup setup;
    private final TrainingProperties properties;
    private final ImageStore store;
    private final Clock clock;

    LoraTrainings(JdbcClient jdbc, TrainingRows rows, LoraDatasets datasets, LoraModels loras, UserPlans plans,
                  AccountDirectory accounts, TrainingSetup setup, TrainingProperties properties, ImageStore store,
                  Clock clock) {
        this.jdbc = jdbc;
        this.rows = rows;
        this.datasets = datasets;
        this.loras = loras;
        this.plans = plans;
        this.accounts = accounts;
        this.setup = setup;
        this.properties = properties;
        this.store = store;
        this.clock = clock;
    }

    /**
     * The user's allowance now: a user whose current granted plan period is of their plan counts in
     * that period (weekly or yearly figure); anyone else (the free plan) per ISO week, Monday 00:00
     * UTC, with the weekly figure. Unlimited on a site without a plans file.
     */
    @Transactional(readOnly = true)
    public TrainingAllowance allowance(long userId) {
        Plan plan = plans.planOf(userId);
        Instant now = clock.instant();
        if (plans.catalogue().all().isEmpty()) {
            Instant start = weekStart(now);
            return new TrainingAllowance(true, plan.name(), 0, 0, "week", start, start.plus(Duration.ofDays(7)));
        }
        Optional<GrantedPeriod> period = plans.grantedPeriods(userId, 3).stream()
                .filter(p -> p.planId().equals(plan.id()) && !now.isBefore(p.start()) && now.isBefore(p.end()))
                .findFirst();
        Instant start;
        Instant end;
        long limit;
        String noun;
        if (period.isPresent()) {
            start = period.get().start();
            end = period.get().end();
            limit = period.get().period().of(plan.loraTrainings());
            noun = period.get().period().noun();
        } else {
            start = weekStart(now);
            end = start.plus(Duration.ofDays(7));
            limit = plan.loraTrainings().weekly();
            noun = "week";
        }
        long used = jdbc.sql("""
                        SELECT count(*) FROM lora_training
                        WHERE user_id = ? AND created_at >= ? AND created_at < ? AND allowance_returned_at IS NULL""")
                .params(userId, TrainingRows.ts(start), TrainingRows.ts(end)).query(Long.class).single();
        return new TrainingAllowance(false, plan.name(), limit, used, noun, start, end);
    }

    /** The start of the ISO week holding {@code now}: the Monday before (or of) it, 00:00 UTC. */
    static Instant weekStart(Instant now) {
        return now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS)
                .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toInstant();
    }

    /** Why the user cannot train now whatever the dataset (setup or allowance), or empty when they can. */
    @Transactional(readOnly = true)
    public Optional<String> unavailable(long userId) {
        Optional<String> problem = setup.problem();
        if (problem.isPresent()) {
            return Optional.of("Training is not set up on this site yet.");
        }
        TrainingAllowance allowance = allowance(userId);
        return allowance.available() ? Optional.empty() : Optional.of(allowance.refusal());
    }

    /**
     * Submits a training of the user's dataset with the site's settings, taking one unit of the
     * allowance. A replay of the same {@code submitKey} returns the training it made and takes
     * nothing again.
     *
     * @param submitKey the form's one-time key, 1–{@value #MAX_SUBMIT_KEY} characters
     * @return the training's id
     * @throws TrainingNotFoundException when the dataset is not the user's (or unknown): nothing written
     * @throws TrainingRefusedException for a missing or overlong key, a dataset without 5–30 images,
     *     no allowance left, or training not set up: nothing written
     */
    @Transactional
    public UUID submit(long userId, UUID datasetId, String submitKey) {
        if (submitKey == null || submitKey.isBlank() || submitKey.length() > MAX_SUBMIT_KEY) {
            throw new TrainingRefusedException("This form has expired; reload the page and press Train again.");
        }
        if (!accounts.lock(userId)) {
            throw new TrainingNotFoundException(datasetId);
        }
        Optional<UUID> replay = jdbc.sql("SELECT id FROM lora_training WHERE user_id = ? AND submit_key = ?")
                .params(userId, submitKey).query(UUID.class).optional();
        if (replay.isPresent()) {
            return replay.get();
        }
        Dataset dataset = datasets.dataset(datasetId, userId, false).orElseThrow(() -> new TrainingNotFoundException(datasetId));
        if (dataset.imageCount() < LoraDatasets.MIN_IMAGES || dataset.imageCount() > LoraDatasets.MAX_IMAGES) {
            throw new TrainingRefusedException("This dataset has " + dataset.imageCount() + " image"
                    + (dataset.imageCount() == 1 ? "" : "s") + "; a training needs " + LoraDatasets.MIN_IMAGES + " to "
                    + LoraDatasets.MAX_IMAGES + ".");
        }
        Optional<String> problem = setup.problem();
        Optional<Model> base = setup.baseModel();
        if (problem.isPresent() || base.isEmpty()) {
            log.warn("Training refused for user {}: {}", userId, problem.orElse("no base model"));
            throw new TrainingRefusedException("Training is not set up on this site yet.");
        }
        TrainingAllowance allowance = allowance(userId);
        if (!allowance.available()) {
            throw new TrainingRefusedException(allowance.refusal());
        }
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO lora_training (id, user_id, dataset_id, name, trigger_word, base_model_id, checkpoint,
                            steps, lora_rank, learning_rate, resolution, status, max_attempts, submit_key, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?)""")
                .params(id, userId, dataset.id(), dataset.name(), dataset.triggerWord(), base.get().id(),
                        base.get().checkpoint(), properties.steps(), properties.rank(), properties.learningRate(),
                        properties.resolution(), TrainingProperties.MAX_ATTEMPTS, submitKey, TrainingRows.ts(clock.instant()))
                .update();
        rows.notifyQueued();
        log.info("Training {} of dataset {} queued for user {}", id, dataset.id(), userId);
        return id;
    }

    /**
     * Cancels the user's training: a queued one ends CANCELLED at once with its allowance given
     * back; a running one is marked, its worker stops at its next heartbeat and the training then
     * ends CANCELLED. An ended training is left as it is.
     *
     * @return false when the training is not the user's (or unknown): nothing done
     */
    @Transactional
    public boolean cancel(UUID id, long userId) {
        if (rows.cancelQueued(id, userId, clock.instant()) || rows.requestCancel(id, userId)) {
            log.info("Training {} cancelled by user {}", id, userId);
            return true;
        }
        return training(id, userId, false).isPresent();
    }

    /** The training, when {@code userId} owns it (or {@code admin} is true); empty otherwise. */
    @Transactional(readOnly = true)
    public Optional<Training> training(UUID id, long userId, boolean admin) {
        return rows.find(id).filter(t -> admin || t.userId() == userId);
    }

    /** The user's trainings, newest first (at most {@value #MAX_LISTED}). */
    @Transactional(readOnly = true)
    public List<Training> trainings(long userId) {
        return jdbc.sql("SELECT " + TrainingRows.COLUMNS + " FROM lora_training t WHERE t.user_id = ?"
                        + " ORDER BY t.created_at DESC, t.id LIMIT " + MAX_LISTED)
                .params(userId).query(TrainingRows::map).list();
    }

    /** Everyone's latest trainings, newest first, at most {@code limit} (1–{@value #MAX_LISTED}): the admin jobs page. */
    @Transactional(readOnly = true)
    public List<Training> recent(int limit) {
        return jdbc.sql("SELECT " + TrainingRows.COLUMNS + " FROM lora_training t ORDER BY t.created_at DESC, t.id LIMIT ?")
                .params(Math.clamp(limit, 1, MAX_LISTED)).query(TrainingRows::map).list();
    }

    /**
     * Removes all of a user's trainings and deletes their LoRAs (account deletion; the LoRA rows stay,
     * marked deleted and scrubbed, so workers drop their copies: {@link LoraModels#forgetUser}), in the
     * caller's transaction; the LoRA files stay until {@link #deleteFiles} is called after it commits.
     *
     * @return the storage keys of the removed LoRA files
     */
    @Transactional
    public List<String> forgetUser(long userId) {
        List<String> keys = new ArrayList<>(loras.forgetUser(userId));
        jdbc.sql("DELETE FROM lora_training WHERE user_id = ?").params(userId).update();
        return keys;
    }

    /** Deletes the LoRA files under these keys (those {@link #forgetUser} returned), once that transaction committed. */
    public void deleteFiles(List<String> keys) {
        keys.forEach(store::delete);
    }
}
