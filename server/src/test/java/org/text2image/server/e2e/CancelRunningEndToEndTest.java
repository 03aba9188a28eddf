package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

import jakarta.servlet.http.Cookie;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;

/** Cancelling a job while the embedded worker runs it on the stand-in: ComfyUI is interrupted, nothing is charged. */
class CancelRunningEndToEndTest extends EndToEndTestBase {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;

    @AfterEach
    void booksBalance() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void cancellingARunningJobInterruptsComfyUiAndRestoresTheBalance() throws Exception {
        mvc.perform(post("/register").with(csrf())
                        .param("email", "cancel@example.com").param("password", "correct horse"))
                .andExpect(redirectedUrl("/register?sent"));
        Cookie session = mvc.perform(post("/login").with(csrf())
                        .param("username", "cancel@example.com").param("password", "correct horse"))
                .andExpect(redirectedUrl("/generate")).andReturn().getResponse().getCookie("SESSION");
        long user = accounts.loadUserByUsername("cancel@example.com").id();
        STAND_IN.hangNextRuns(1);
        int interruptsBefore = STAND_IN.interruptCount();
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("a run that never ends"));
        awaitJob(job.id(), user, j -> j.status() == JobStatus.RUNNING);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 1));

        mvc.perform(post("/jobs/" + job.id() + "/cancel").cookie(session).with(csrf()))
                .andExpect(redirectedUrl("/jobs/" + job.id()));

        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        Instant deadline = Instant.now().plusSeconds(20);
        while (STAND_IN.interruptCount() == interruptsBefore && Instant.now().isBefore(deadline)) {
            Thread.sleep(25);
        }
        assertThat(STAND_IN.interruptCount()).as("the worker interrupted ComfyUI").isGreaterThan(interruptsBefore);
        assertThat(STAND_IN.awaitIdle(Duration.ofSeconds(10))).isTrue();
        JobView cancelled = awaitJob(job.id(), user, j -> j.status().isFinal());
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.images()).isEmpty();
        assertThat(statements.balance(user)).as("nothing charged afterwards").isEqualTo(new Balance(20, 0));
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'")).isZero();
    }
}
