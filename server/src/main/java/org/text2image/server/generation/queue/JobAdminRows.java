package org.text2image.server.generation.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.text2image.server.generation.JobFigures;
import org.text2image.server.generation.JobSearch;
import org.text2image.server.generation.ModelFigures;

/**
 * The admin pages' reads of {@code generation_job}: the job search and the aggregate figures of
 * the dashboard and the Models page. Each figure is one aggregate query over an index
 * (migration V21: {@code created_at}, {@code (model_id, created_at)}; the queue's partial indexes).
 */
@Repository
public class JobAdminRows {

    private static final String SEARCH_WHERE = """
             FROM generation_job
            WHERE (CAST(:anyUser AS boolean) OR user_id = ANY(:users))
              AND (CAST(:status AS text) IS NULL OR status = :status)
              AND (CAST(:model AS text) IS NULL OR model_id = :model)
              AND (CAST(:from AS timestamptz) IS NULL OR created_at >= :from)
              AND (CAST(:to AS timestamptz) IS NULL OR created_at < :to)
              AND (CAST(:error AS text) IS NULL OR (status = 'FAILED' AND last_error = :error))""";

    private final JdbcClient jdbc;

    JobAdminRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One page of the jobs matching {@code search}, newest first. */
    public List<JobRow> search(JobSearch search) {
        return bind(jdbc.sql("SELECT " + JobRow.COLUMNS + SEARCH_WHERE
                        + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset"), search)
                .param("limit", search.size()).param("offset", (long) search.page() * search.size())
                .query(JobRow::map).list();
    }

    /** How many jobs match {@code search} in all. */
    public long count(JobSearch search) {
        return bind(jdbc.sql("SELECT count(*)" + SEARCH_WHERE), search).query(Long.class).single();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec sql, JobSearch search) {
        List<Long> users = search.userIds() == null ? List.of() : search.userIds();
        return sql.param("anyUser", search.userIds() == null)
                .param("users", users.stream().mapToLong(Long::longValue).toArray())
                .param("status", search.status() == null ? null : search.status().name())
                .param("model", search.modelId()).param("from", JobRepository.ts(search.from()))
                .param("to", JobRepository.ts(search.to())).param("error", search.error());
    }

    /**
     * The queue now, the jobs submitted in [{@code dayStart}, {@code dayEnd}) and those of each
     * of {@code hourCount} hours from {@code hoursStart}.
     *
     * @param reasons most failure reasons listed
     */
    public JobFigures figures(Instant dayStart, Instant dayEnd, Instant hoursStart, int hourCount, int reasons) {
        record Active(long queued, Instant oldestAt, long running) {
        }
        Active active = jdbc.sql("""
                SELECT count(*) FILTER (WHERE status = 'QUEUED') AS queued,
                       min(created_at) FILTER (WHERE status = 'QUEUED') AS oldest_at,
                       count(*) FILTER (WHERE status = 'RUNNING') AS running
                FROM generation_job WHERE status IN ('QUEUED', 'RUNNING')""")
                .query((rs, n) -> new Active(rs.getLong("queued"), JobRow.instant(rs, "oldest_at"), rs.getLong("running")))
                .single();
        UUID oldest = active.queued() == 0 ? null : jdbc.sql("""
                SELECT id FROM generation_job WHERE status = 'QUEUED' ORDER BY created_at, id LIMIT 1""")
                .query(UUID.class).optional().orElse(null);
        JobFigures.Counts day = jdbc.sql("""
                SELECT count(*) AS submitted, count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
                       count(*) FILTER (WHERE status = 'FAILED') AS failed
                FROM generation_job WHERE created_at >= :start AND created_at < :end""")
                .param("start", JobRepository.ts(dayStart)).param("end", JobRepository.ts(dayEnd))
                .query((rs, n) -> new JobFigures.Counts(dayStart, rs.getLong("submitted"), rs.getLong("succeeded"),
                        rs.getLong("failed"))).single();
        List<JobFigures.Reason> top = jdbc.sql("""
                SELECT coalesce(last_error, '') AS error, count(*) AS jobs FROM generation_job
                WHERE created_at >= :start AND created_at < :end AND status = 'FAILED'
                GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT :limit""")
                .param("start", JobRepository.ts(dayStart)).param("end", JobRepository.ts(dayEnd)).param("limit", reasons)
                .query((rs, n) -> new JobFigures.Reason(rs.getString("error"), rs.getLong("jobs"))).list();
        return new JobFigures(active.queued(), oldest, oldest == null ? null : active.oldestAt(), active.running(), day,
                top, hours(hoursStart, hourCount));
    }

    /** Jobs submitted per hour: {@code count} buckets of one hour from {@code start}, empty hours included. */
    private List<JobFigures.Counts> hours(Instant start, int count) {
        long[][] buckets = new long[count][3];
        jdbc.sql("""
                SELECT floor(extract(epoch FROM created_at - :start) / 3600)::int AS bucket, count(*) AS submitted,
                       count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
                       count(*) FILTER (WHERE status = 'FAILED') AS failed
                FROM generation_job WHERE created_at >= :start AND created_at < :end GROUP BY 1""")
                .param("start", JobRepository.ts(start)).param("end", JobRepository.ts(start.plus(Duration.ofHours(count))))
                .query(rs -> {
                    int bucket = rs.getInt("bucket");
                    if (bucket >= 0 && bucket < count) {
                        buckets[bucket] = new long[] {rs.getLong("submitted"), rs.getLong("succeeded"), rs.getLong("failed")};
                    }
                });
        List<JobFigures.Counts> hours = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            hours.add(new JobFigures.Counts(start.plus(Duration.ofHours(i)), buckets[i][0], buckets[i][1], buckets[i][2]));
        }
        return hours;
    }

    /** Each model's jobs submitted since {@code since}, by model id (models without jobs are absent). */
    public List<ModelFigures> modelFigures(Instant since) {
        return jdbc.sql("""
                SELECT model_id, count(*) AS jobs, count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
                       count(*) FILTER (WHERE status = 'FAILED') AS failed,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - attempt_started_at))
                           FILTER (WHERE status = 'SUCCEEDED' AND attempt_started_at IS NOT NULL) AS median_seconds
                FROM generation_job WHERE created_at >= :since GROUP BY model_id ORDER BY model_id""")
                .param("since", JobRepository.ts(since))
                .query((rs, n) -> new ModelFigures(rs.getString("model_id"), rs.getLong("jobs"), rs.getLong("succeeded"),
                        rs.getLong("failed"), rs.getObject("median_seconds", Double.class)))
                .list();
    }
}
