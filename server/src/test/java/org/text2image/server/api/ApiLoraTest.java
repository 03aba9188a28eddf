package org.text2image.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.TestLoras;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/** {@code POST /api/v1/jobs} with {@code lora_id} and {@code lora_strength}: the form's rules, by field. */
@PageTest
class ApiLoraTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired ApiKeys keys;
    @Autowired CreditStatements statements;
    @Autowired ImageStore store;
    @Autowired TestDatabase db;

    long alice;
    String key;
    TestLoras.Lora cat;
    TestLoras.Lora bobs;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse").id();
        long bob = accounts.register("bob@example.com", "correct horse").id();
        key = keys.create(alice, "script", EnumSet.allOf(ApiScope.class)).secret();
        cat = TestLoras.create(db, store, alice, "My cat", "sdxl");
        bobs = TestLoras.create(db, store, bob, "Bob's dog", "sd15");
    }

    @Test
    void aJobWithTheCallersLoraRunsOnItsBaseModel() throws Exception {
        submit("{\"prompt\":\"sks cat\",\"lora_id\":\"" + cat.id() + "\",\"lora_strength\":0.8}")
                .andExpect(status().isCreated()).andExpect(jsonPath("$.model").value("sdxl"))
                .andExpect(jsonPath("$.lora.id").value(cat.id().toString()))
                .andExpect(jsonPath("$.lora.strength").value(0.8));

        assertThat(db.jdbc().sql("SELECT lora_id FROM generation_job").query(UUID.class).single()).isEqualTo(cat.id());
        assertThat(db.jdbc().sql("SELECT lora_strength FROM generation_job").query(Double.class).single()).isEqualTo(0.8);
    }

    @Test
    void anotherUsersUnknownOrMalformedLoraIsRefusedByFieldWithNothingHeld() throws Exception {
        for (String id : new String[] {"\"" + bobs.id() + "\"", "\"" + UUID.randomUUID() + "\"", "\"abc\"", "42"}) {
            submit("{\"prompt\":\"x\",\"lora_id\":" + id + "}").andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.errors.lora_id").value("Choose one of your models."));
        }
        assertNothingWritten();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "3", "-3", "2.5", "1e400", "true", "[1]",
            "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
                    + "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
                    + "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
                    + "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"})
    void aStrengthThatIsNotANumberFromMinusTwoToTwoIsRefusedByField(String strength) throws Exception {
        submit("{\"prompt\":\"x\",\"lora_id\":\"" + cat.id() + "\",\"lora_strength\":" + strength + "}")
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.errors.lora_strength").exists());
        assertNothingWritten();
    }

    @Test
    void notANumberIsNotJson() throws Exception {
        submit("{\"prompt\":\"x\",\"lora_id\":\"" + cat.id() + "\",\"lora_strength\":NaN}").andExpect(status().isBadRequest());
        submit("{\"prompt\":\"x\",\"lora_id\":\"" + cat.id() + "\u0000\"}").andExpect(status().isBadRequest());
        assertNothingWritten();
    }

    private ResultActions submit(String body) throws Exception {
        return mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private void assertNothingWritten() {
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isZero();
        assertThat(statements.balance(alice)).isEqualTo(new Balance(20, 0));
    }
}
