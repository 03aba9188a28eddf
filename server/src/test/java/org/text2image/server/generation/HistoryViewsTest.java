package org.text2image.server.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;

/**
 * A history page reads the positions, images and receipts of all its jobs at once, and shows each
 * job exactly as its own page does.
 */
@IntegrationTest
class HistoryViewsTest {

    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;

    SignedInUser alice;
    SignedInUser bob;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
    }

    @Test
    void aHistoryPageShowsEveryJobAsItsOwnPageDoes() {
        JobView done = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse"));
        TestImages.complete(queue, generation, done, alice);
        generation.submit(bob.id(), GenerationRequest.of("sd15", "bob's job, ahead in the queue"));
        JobView cancelled = generation.submit(alice.id(), GenerationRequest.of("sd15", "a harbour"));
        generation.cancel(cancelled.id(), alice.id());
        generation.submit(alice.id(), GenerationRequest.of("sd15", "a boat"));
        generation.submit(alice.id(), GenerationRequest.of("sd15", "a gull"));

        List<JobView> page = generation.history(alice.id(), 0, 10).jobs();

        Viewer viewer = new Viewer(alice.id(), false);
        assertThat(page).hasSize(4);
        assertThat(page).containsExactlyElementsOf(page.stream()
                .map(job -> generation.find(job.id(), viewer).orElseThrow()).toList());
        assertThat(page).extracting(JobView::queuePosition).containsExactly(3, 2, 0, 0);
        assertThat(page.getLast().images()).hasSize(1);
        assertThat(page).extracting(JobView::receipt).allMatch(receipt -> receipt != null && receipt.startsWith("held"));
    }
}
