package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestDatabase;

/**
 * Requests of one session at the same moment (a double click, two tabs) over real HTTP: Spring
 * Session JDBC saves each request's session changes, so two requests adding the same attribute
 * (the flash map of a redirect) both insert it.
 */
@IntegrationTest
class ConcurrentSessionRequestsTest {

    private static final int CLICKS = 5;

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired CreditLedger ledger;
    @Autowired CreditStatements statements;
    @Autowired TestDatabase db;
    @Autowired SessionRepository<? extends Session> sessions;

    long alice;
    BrowserSession browser;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse").id();
        browser = new BrowserSession(port).signIn("alice@example.com", "correct horse");
    }

    @Test
    void cancelsOfOneJobClickedTogetherAllAnswerWithARedirectAndReleaseTheHoldOnce() throws Exception {
        for (int round = 0; round < 3; round++) { // a few rounds, so the requests surely overlap
            UUID job = generation.submit(alice, GenerationRequest.ofPrompt("a red fox " + round)).id();
            browser.readCsrf("/jobs/" + job);

            List<HttpResponse<String>> answers = Races.race(CLICKS,
                    () -> browser.post("/jobs/" + job + "/cancel", Map.of()));

            assertThat(answers).extracting(HttpResponse::statusCode).as("no 5xx").containsOnly(302);
            assertThat(db.jdbc().sql("SELECT status FROM generation_job WHERE id = ?").params(job)
                    .query(String.class).single()).isEqualTo("CANCELLED");
            assertThat(db.jdbc().sql("""
                    SELECT count(*) FROM ledger_entry e JOIN generation_job j ON j.hold_id = e.hold_id
                    WHERE j.id = ? AND e.kind = 'RELEASE'""").params(job).query(Long.class).single())
                    .as("the hold is released once").isEqualTo(1);
        }
        assertThat(statements.balance(alice)).isEqualTo(new Balance(20, 0));
        HttpResponse<String> after = browser.get("/history");
        assertThat(after.statusCode()).as("the session still works").isEqualTo(200);
    }

    @Test
    void aRequestChangingTheSessionAfterAnotherRequestEndedItDoesNotFail() {
        @SuppressWarnings({"unchecked", "rawtypes"}) // save() takes the repository's own session class
        SessionRepository<Session> repository = (SessionRepository) sessions;
        Session session = repository.createSession();
        session.setAttribute("alert", "Only a queued or running job can be cancelled");
        repository.save(session);
        Session loadedBeforeSignOut = repository.findById(session.getId());
        repository.deleteById(session.getId()); // another tab signs out

        loadedBeforeSignOut.setAttribute("notice", "Job cancelled");
        loadedBeforeSignOut.removeAttribute("alert");

        assertThatCode(() -> repository.save(loadedBeforeSignOut)).doesNotThrowAnyException();
        LastAccessThrottledSessions.forgetCommitted(); // the request ends
        assertThat(repository.findById(session.getId())).isNull();
        assertThat(db.jdbc().sql("SELECT count(*) FROM spring_session_attributes WHERE attribute_name = 'notice'")
                .query(Long.class).single()).isZero();
    }
}
