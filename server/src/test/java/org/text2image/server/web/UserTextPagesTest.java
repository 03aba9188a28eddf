package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;

/**
 * User text on the pages: a prompt of invisible characters only is refused beside its field and
 * charges nothing; an email with a bidi override is refused at registration; user text with
 * U+202E (right-to-left override) is shown inside bidi isolation wherever it appears.
 */
@PageTest
class UserTextPagesTest {

    private static final String RLO = "\u202E";

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired CreditStatements statements;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse battery");
    }

    @Test
    void aPromptOfInvisibleCharactersOnlyIsRefusedBesideTheFieldAndChargesNothing() throws Exception {
        Balance before = statements.balance(alice.id());
        String html = mvc.perform(post("/generate").with(csrf()).with(user(alice))
                        .param("modelId", "sd15").param("prompt", "\u200B\u00A0\u2007 \u200B"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "prompt-error")).contains("no visible character");
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isZero();
        assertThat(statements.balance(alice.id())).isEqualTo(before);
    }

    @Test
    void aPromptWithARightToLeftOverrideIsShownIsolatedOnTheJobAndHistoryPages() throws Exception {
        JobView job = generation.submit(alice.id(), GenerationRequest.of("sd15", "cat " + RLO + "gnp.exe"));

        String jobPage = page("/jobs/" + job.id(), alice);
        assertThat(Html.tagOf(jobPage, "job-prompt")).contains("dir=\"auto\"");
        assertThat(Html.textOf(jobPage, "job-prompt")).isEqualTo("cat " + RLO + "gnp.exe");

        String history = page("/history", alice);
        assertThat(history).containsPattern("<span class=\"history-prompt\" dir=\"auto\" id=\"prompt-[0-9a-f-]{36}\">cat " + RLO + "gnp.exe</span>");
    }

    @Test
    void aNegativePromptIsShownInBdi() throws Exception {
        GenerationRequest request = new GenerationRequest("sd15", "a lighthouse", RLO + "blurry", null, null, null,
                null, null, null, null, null);
        JobView job = generation.submit(alice.id(), request);

        assertThat(page("/jobs/" + job.id(), alice)).contains("<bdi id=\"job-negative-prompt-text\">" + RLO + "blurry</bdi>");
    }

    @Test
    void registrationRefusesAnEmailWithABidiOverride() throws Exception {
        String html = mvc.perform(post("/register").with(csrf()).param("email", "mallory" + RLO + "@example.com")
                        .param("password", "correct horse battery"))
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "email-error")).isEqualTo("Enter a valid email address.");
        assertThat(db.jdbc().sql("SELECT count(*) FROM app_user").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void anEmailAndAReasonWithARightToLeftOverrideAreShownIsolatedOnTheAdminPage() throws Exception {
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        String odd = "moc.elpmaxe@" + RLO + "eve";
        SignedInUser eve = accounts.register("eve@example.com", "correct horse battery");
        // an address stored before registration refused these characters
        db.jdbc().sql("UPDATE app_user SET email = ? WHERE id = ?").params(odd, eve.id()).update();
        mvc.perform(post("/admin/credits").with(csrf()).with(user(admin)).param("email", odd).param("amount", "5")
                .param("reason", RLO + "goodwill").param("expiresInDays", "").param("adjustmentKey", UUID.randomUUID().toString()));

        String html = page("/admin/credits", admin);
        assertThat(html).contains("<td dir=\"auto\">" + odd + "</td>").contains("<td dir=\"auto\">" + RLO + "goodwill</td>");
    }

    private String page(String path, SignedInUser who) throws Exception {
        return mvc.perform(get(path).with(user(who))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }
}
