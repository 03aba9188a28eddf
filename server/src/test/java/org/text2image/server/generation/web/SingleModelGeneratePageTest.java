package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;

/** An install with one enabled model: the form has no model dropdown, only the cost. */
@IntegrationTest
@AutoConfigureMockMvc
@TestPropertySource(properties = {
        "text2image.catalog.models-file=src/test/resources/config/one-model.json",
        // the test plans name sd15, which this models file does not have
        "text2image.plans.file=target/no-plans.json",
        "text2image.database.embedded-data-dir=target/test-postgres-one-model"
})
class SingleModelGeneratePageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @Test
    void formHasNoModelDropdownWhenOnlyOneModelIsEnabled() throws Exception {
        String html = mvc.perform(get("/generate").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(html).doesNotContain("<select id=\"modelId\"").doesNotContain("<label for=\"modelId\">");
        assertThat(Html.tagOf(html, "modelId")).contains("type=\"hidden\"").contains("value=\"sdxl\"");
        assertThat(Html.textOf(html, "cost")).isEqualTo("This will cost 3 credits · you have 20");
        assertThat(Html.attributeOf(html, "width", "value")).isEqualTo("1024");
    }

    @Test
    void aDisabledModelIsStillRefusedWithAMessage() throws Exception {
        String html = mvc.perform(post("/generate").with(csrf()).with(user(alice))
                        .param("modelId", "retired").param("prompt", "a fox"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(html, "modelId-error")).isEqualTo("The model \"Retired model\" is not available.");
    }
}
