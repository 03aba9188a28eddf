package org.text2image.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.EnumSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * The user's plan holds through the API as on the Generate form (docs/PLANS.md, "Enforcement"),
 * with the restrictive test plans of {@code generation/PlanEnforcementTest} (and its Spring
 * context): Free is basic, one image a request, 3 images of sd15 a week and no sdxl.
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.plans.file=src/test/resources/config/plans-enforced.json",
        "text2image.catalog.models-file=src/test/resources/config/models-enforced.json",
        "text2image.generation.max-batch-size=32"
})
class ApiPlanRulesTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired ApiKeys keys;
    @Autowired CreditStatements statements;
    @Autowired TestDatabase db;

    SignedInUser alice;
    String key;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        key = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class)).secret();
    }

    @Test
    void theFreePlansLimitsAreRefusedByFieldAndWriteNothing() throws Exception {
        submit("{\"prompt\":\"x\",\"model\":\"sdxl\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.model").exists());
        submit("{\"prompt\":\"x\",\"model\":\"sd15\",\"batch_size\":2}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.batch_size").exists());
        submit("{\"prompt\":\"x\",\"model\":\"sd15\",\"steps\":30}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.steps").exists());
        submit("{\"prompt\":\"x\",\"model\":\"sdmature\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.model").exists());
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isZero();
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
    }

    @Test
    void aLimitedModelsWeeklyImagesRunOutThroughTheApiToo() throws Exception {
        for (int i = 0; i < 3; i++) {
            submit("{\"prompt\":\"week " + i + "\",\"model\":\"sd15\"}").andExpect(status().isCreated());
        }
        submit("{\"prompt\":\"one too many\",\"model\":\"sd15\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.model").exists());
        mvc.perform(get("/api/v1/models").header("Authorization", "Bearer " + key))
                .andExpect(jsonPath("$.data[?(@.id == 'sd15')].images_left_this_week").value(0))
                .andExpect(jsonPath("$.data[?(@.id == 'sdxl')].allowed").value(false))
                .andExpect(jsonPath("$.limits.max_batch_size").value(1));
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isEqualTo(3);
    }

    private ResultActions submit(String body) throws Exception {
        return mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }
}
