package org.text2image.server.generation.queue;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the job tables hold about one user, for deleting an account on request
 * ({@code generation/GeneratedImages#forgetUser}): their images, and removing them and the prompts.
 * Runs in the caller's transaction.
 */
@Repository
public class UserJobRows {

    private final JdbcClient jdbc;

    UserJobRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The images of every job of the user. */
    public List<JobRepository.StoredImageRow> imagesOfUser(long userId) {
        return jdbc.sql("""
                SELECT i.id, i.job_id, i.position, i.storage_key, i.content_type, i.poster_key, j.user_id
                FROM job_image i JOIN generation_job j ON j.id = i.job_id WHERE j.user_id = :user""")
                .param("user", userId)
                .query((rs, n) -> new JobRepository.StoredImageRow(rs.getObject("id", UUID.class), rs.getObject("job_id", UUID.class),
                        rs.getInt("position"), rs.getString("storage_key"), rs.getString("content_type"),
                        rs.getLong("user_id"), rs.getString("poster_key")))
                .list();
    }

    /**
     * Removes what the user's jobs say about them: image rows and previews are deleted and the
     * prompts replaced by {@code [deleted]}. The job rows stay: the ledger's entries and the
     * invariant check refer to them.
     */
    public void forgetUser(long userId) {
        jdbc.sql("DELETE FROM job_image WHERE job_id IN (SELECT id FROM generation_job WHERE user_id = :user)")
                .param("user", userId).update();
        jdbc.sql("DELETE FROM job_preview WHERE job_id IN (SELECT id FROM generation_job WHERE user_id = :user)")
                .param("user", userId).update();
        jdbc.sql("UPDATE generation_job SET prompt = '[deleted]', negative_prompt = '' WHERE user_id = :user")
                .param("user", userId).update();
    }
}
