package org.text2image.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;
import org.text2image.server.web.RateLimiter;

/**
 * The API's rate limits (docs/API.md, "Rate limits"): a key's own bucket, and the account's submit
 * bucket that the Generate form shares. The same small limits (and Spring context) as
 * {@code web/RateLimitsTest}.
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.rate-limits.enabled=true",
        "text2image.rate-limits.submit-per-account.count=2",
        "text2image.rate-limits.submit-per-account.per=1m",
        "text2image.rate-limits.register-per-ip.count=2",
        "text2image.rate-limits.register-per-ip.per=1h",
        "text2image.rate-limits.support-message-per-account.count=2",
        "text2image.rate-limits.support-message-per-account.per=10m",
        "text2image.rate-limits.api-requests-per-key.count=3",
        "text2image.rate-limits.api-requests-per-key.per=1m"
})
class ApiLimitsTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired ApiKeys keys;
    @Autowired RateLimiter limiter;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        limiter.clear();
        clock.freeze();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aKeyOverItsRequestLimitGetsTooManyRequestsWithRetryAfter() throws Exception {
        String key = keys.create(alice.id(), "poller", EnumSet.allOf(ApiScope.class)).secret();
        for (int i = 0; i < 3; i++) {
            mvc.perform(get("/api/v1/balance").header("Authorization", "Bearer " + key)).andExpect(status().isOk());
        }
        mvc.perform(get("/api/v1/balance").header("Authorization", "Bearer " + key))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "20"))
                .andExpect(jsonPath("$.type").value("/api/v1/problems/rate-limited"));
        // another key of the same user has its own bucket
        String other = keys.create(alice.id(), "other", EnumSet.allOf(ApiScope.class)).secret();
        mvc.perform(get("/api/v1/balance").header("Authorization", "Bearer " + other)).andExpect(status().isOk());
        clock.advance(Duration.ofSeconds(20));
        mvc.perform(get("/api/v1/balance").header("Authorization", "Bearer " + key)).andExpect(status().isOk());
    }

    @Test
    void submitsThroughTheApiShareTheAccountsSubmitLimitWithTheGenerateForm() throws Exception {
        String first = keys.create(alice.id(), "one", EnumSet.allOf(ApiScope.class)).secret();
        String second = keys.create(alice.id(), "two", EnumSet.allOf(ApiScope.class)).secret();
        mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + first)
                .contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"one\"}")).andExpect(status().isCreated());
        mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + second)
                .contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"two\"}")).andExpect(status().isCreated());
        mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + second)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"three\"}"))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().exists("Retry-After"));
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isEqualTo(2);
    }
}
