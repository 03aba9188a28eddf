package org.text2image.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;

/**
 * Job submissions through the API: every rule of the Generate form (validation, price, hold, plan,
 * queue limit; {@link GenerationService#enqueue(long, GenerationRequest, UUID, boolean)}), plus the
 * {@code Idempotency-Key} header and the record of which key submitted the job (for its webhooks).
 *
 * <p>Idempotency: per user, a key is remembered for {@value #IDEMPOTENCY_HOURS} hours with the
 * SHA-256 of the request. The same key and the same request return the job first made; the same key
 * with another request is refused ({@link IdempotencyKeyReusedException}). The key's row is written
 * first, in the job's transaction: a concurrent request with the same key waits on the row's
 * primary key until the first commits (then it finds the row) or rolls back (then it goes on as the
 * first). A refused submission (bad input, no credits) rolls back with its key's row, so a fixed
 * retry with the same key may succeed.
 */
@Service
public class ApiSubmissions {

    /** How long an Idempotency-Key is remembered. */
    public static final int IDEMPOTENCY_HOURS = 24;
    /** Longest Idempotency-Key, in characters. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

    private final JdbcClient jdbc;
    private final GenerationService generation;
    private final Clock clock;

    ApiSubmissions(JdbcClient jdbc, GenerationService generation, Clock clock) {
        this.jdbc = jdbc;
        this.generation = generation;
        this.clock = clock;
    }

    /**
     * Submits a job for the caller.
     *
     * @param idempotencyKey the header's value; null or absent: no idempotency. 1 …
     *     {@value #MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters
     * @throws IdempotencyKeyReusedException when the key was used with another request
     * @throws org.text2image.server.generation.InvalidGenerationRequestException for a malformed
     *     Idempotency-Key (field {@code Idempotency-Key}) or a request the form would refuse; the
     *     other refusals are those of {@link GenerationService#enqueue(long, GenerationRequest)}
     */
    @Transactional
    public Submission submit(ApiCaller caller, GenerationRequest request, String idempotencyKey) {
        UUID jobId = UUID.randomUUID();
        if (idempotencyKey != null) {
            checkKey(idempotencyKey);
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            byte[] hash = hash(request);
            jdbc.sql("DELETE FROM api_idempotency WHERE user_id = ? AND idempotency_key = ? AND created_at <= ?")
                    .params(caller.userId(), idempotencyKey,
                            Timestamp.from(now.minus(Duration.ofHours(IDEMPOTENCY_HOURS))))
                    .update();
            int inserted = jdbc.sql("""
                            INSERT INTO api_idempotency (user_id, idempotency_key, request_hash, job_id, created_at)
                            VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, idempotency_key) DO NOTHING""")
                    .params(caller.userId(), idempotencyKey, hash, jobId, Timestamp.from(now)).update();
            if (inserted == 0) {
                Earlier earlier = jdbc.sql("""
                                SELECT request_hash, job_id FROM api_idempotency WHERE user_id = ? AND idempotency_key = ?""")
                        .params(caller.userId(), idempotencyKey)
                        .query((rs, n) -> new Earlier(rs.getBytes("request_hash"), rs.getObject("job_id", UUID.class)))
                        .single();
                if (!Arrays.equals(earlier.hash(), hash)) {
                    throw new IdempotencyKeyReusedException();
                }
                return new Submission(earlier.jobId(), false);
            }
        }
        generation.enqueue(caller.userId(), request, jobId, true);
        jdbc.sql("INSERT INTO api_job (job_id, key_id, created_at) VALUES (?, ?, ?)")
                .params(jobId, caller.keyId(), Timestamp.from(clock.instant())).update();
        return new Submission(jobId, true);
    }

    /** The key that submitted a job through the API; empty for a job from the Generate form. */
    @Transactional(readOnly = true)
    public Optional<Long> keyOf(UUID jobId) {
        return jdbc.sql("SELECT key_id FROM api_job WHERE job_id = ?").param(jobId).query(Long.class).optional();
    }

    /** Forgets the Idempotency-Keys older than {@value #IDEMPOTENCY_HOURS} hours; returns how many. */
    @Transactional
    public int forgetExpiredKeys() {
        return jdbc.sql("DELETE FROM api_idempotency WHERE created_at <= ?")
                .param(Timestamp.from(clock.instant().minus(Duration.ofHours(IDEMPOTENCY_HOURS)))).update();
    }

    private static void checkKey(String key) {
        boolean printable = !key.isEmpty() && key.length() <= MAX_IDEMPOTENCY_KEY_LENGTH
                && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
        if (!printable) {
            throw new org.text2image.server.generation.InvalidGenerationRequestException(Map.of("Idempotency-Key",
                    "An Idempotency-Key has 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
                            + " printable ASCII characters without spaces, such as a UUID."));
        }
    }

    /** SHA-256 of the request's fields, each length-prefixed, so no two requests share an encoding. */
    static byte[] hash(GenerationRequest request) {
        StringBuilder text = new StringBuilder();
        for (Object field : new Object[] {request.modelId(), request.prompt(), request.negativePrompt(),
                request.width(), request.height(), request.batchSize(), request.seed(), request.steps(),
                request.cfgScale(), request.sampler(), request.scheduler()}) {
            String value = field == null ? "" : field.toString();
            text.append(field == null ? -1 : value.length()).append(':').append(value).append(';');
        }
        if (request.loraId() != null) { // only then, so the hashes of requests without a LoRA stay as they were
            for (Object field : new Object[] {request.loraId(), request.loraStrength()}) {
                String value = field == null ? "" : field.toString();
                text.append(field == null ? -1 : value.length()).append(':').append(value).append(';');
            }
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private record Earlier(byte[] hash, UUID jobId) {
    }
}
