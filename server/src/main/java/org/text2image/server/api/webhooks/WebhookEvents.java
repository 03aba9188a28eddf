package org.text2image.server.api.webhooks;

import java.sql.Timestamp;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.JobReceipt;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobEnded;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Queues a webhook when a job submitted through the API ends: listens to generation's
 * {@link JobEnded} synchronously, in the transaction that ended the job, so the
 * {@code webhook_delivery} row commits exactly when the job's end does (an outbox). Only a job in
 * {@code api_job} whose key has a callback URL and is not revoked gets one; a job from the Generate
 * form, or of a key without a webhook, gets none.
 *
 * <p>The insert runs in a savepoint: should it fail, the job still ends (its webhook is lost and
 * the error logged) rather than the worker's completion or the user's cancel failing.
 */
@Component
class WebhookEvents {

    private static final Logger log = LoggerFactory.getLogger(WebhookEvents.class);

    private final JdbcClient jdbc;
    private final GenerationService generation;
    private final CreditStatements statements;
    private final JsonMapper json;
    private final TransactionTemplate savepoint;

    WebhookEvents(JdbcClient jdbc, GenerationService generation, CreditStatements statements, JsonMapper json,
                  PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.generation = generation;
        this.statements = statements;
        this.json = json;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    @EventListener
    void on(JobEnded ended) {
        try {
            savepoint.executeWithoutResult(status -> enqueue(ended));
        } catch (RuntimeException e) {
            log.error("The webhook of job {} ({}) could not be queued", ended.jobId(), ended.status(), e);
        }
    }

    private void enqueue(JobEnded ended) {
        Optional<Long> key = jdbc.sql("""
                        SELECT k.id FROM api_job j JOIN api_key k ON k.id = j.key_id
                        WHERE j.job_id = ? AND k.callback_url IS NOT NULL AND k.revoked_at IS NULL""")
                .param(ended.jobId()).query(Long.class).optional();
        if (key.isEmpty()) {
            return;
        }
        JobView job = generation.find(ended.jobId(), new Viewer(ended.userId(), false)).orElseThrow();
        String type = "job." + ended.status().name().toLowerCase(Locale.ROOT);
        String payload = json.writeValueAsString(new WebhookEvent(type, ended.at().truncatedTo(ChronoUnit.MICROS),
                data(job, statements.receipt(job.id()).orElse(null))));
        String msgId = WebhookSignatures.newMessageId();
        Timestamp now = Timestamp.from(ended.at().truncatedTo(ChronoUnit.MICROS));
        jdbc.sql("""
                        INSERT INTO webhook_delivery (key_id, job_id, event_type, msg_id, payload, next_attempt_at, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(key.get(), job.id(), type, msgId, payload, now, now).update();
        log.info("Webhook {} ({}) of job {} queued for key {}", msgId, type, job.id(), key.get());
    }

    /** The job as the API shows it, without what changes or expires. */
    static WebhookEvent.Job data(JobView job, JobReceipt receipt) {
        var p = job.parameters();
        return new WebhookEvent.Job(job.id(), job.status().name().toLowerCase(Locale.ROOT), p.modelId(),
                job.modelName(), p.prompt(), p.negativePrompt(), p.width(), p.height(), p.batchSize(), p.seed(),
                p.steps(), p.cfgScale(), p.sampler(), p.scheduler(), job.attempt(), job.maxAttempts(),
                new WebhookEvent.Cost(p.priceCredits(), receipt == null ? 0 : receipt.held(),
                        receipt == null ? 0 : receipt.charged(), receipt == null ? 0 : receipt.released()),
                job.error(), job.createdAt(), job.finishedAt(),
                job.images().stream().map(i -> new WebhookEvent.Image(i.id(), i.position(), i.contentType())).toList());
    }
}
