package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

@PageTest
class AccountPagesTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired TestDatabase db;

    @BeforeEach
    void setUp() {
        db.clean();
    }

    @Test
    void registeringGrantsTwentyCreditsMailsAWelcomeAndSignsNobodyIn() throws Exception {
        MvcResult registered = mvc.perform(post("/register").with(csrf())
                        .param("email", "new@example.com").param("password", "correct horse"))
                .andExpect(redirectedUrl("/register?sent")).andReturn();

        SignedInUser user = accounts.loadUserByUsername("new@example.com");
        assertThat(statements.balance(user.id())).isEqualTo(new Balance(20, 0));
        String generateBeforeSignIn = mvc.perform(get("/generate").cookie(registered.getResponse().getCookies()))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        assertThat(generateBeforeSignIn).as("still signed out").endsWith("/login");
        assertThat(db.jdbc().sql("SELECT body FROM mail_outbox WHERE recipient = 'new@example.com'")
                .query(String.class).list()).singleElement().asString()
                .contains("Your Text2Image account is ready, with 20 free credits").contains("/login");
        String generate = mvc.perform(get("/generate").cookie(signIn("new@example.com"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(generate, "balance")).isEqualTo("20 credits");
    }

    @Test
    void registrationFormHasLabelledFields() throws Exception {
        String html = page(get("/register"));
        assertThat(html).contains("<label for=\"email\">").contains("<label for=\"password\">");
        assertThat(Html.attributeOf(html, "to-login", "href")).isEqualTo("/login");
    }

    @Test
    void aTakenAddressIsSentToCheckYourInboxCreatesNothingAndMailsItsOwner() throws Exception {
        accounts.register("taken@example.com", "correct horse");

        mvc.perform(post("/register").with(csrf()).param("email", "Taken@Example.com").param("password", "another password"))
                .andExpect(redirectedUrl("/register?sent"));

        assertThat(users()).isEqualTo(1);
        assertThat(db.jdbc().sql("SELECT subject FROM mail_outbox WHERE recipient = 'taken@example.com'")
                .query(String.class).list()).containsExactly("Someone tried to sign up with your address");
    }

    @Test
    void theLongestAcceptedAddressRegistersAndSignsIn() throws Exception {
        String email = "a".repeat(64) + "@" + "b".repeat(180) + ".example"; // 253 characters
        mvc.perform(post("/register").with(csrf()).param("email", email).param("password", "correct horse"))
                .andExpect(redirectedUrl("/register?sent"));

        mvc.perform(get("/generate").cookie(signIn(email))).andExpect(status().isOk());
    }

    @Test
    void malformedEmailAndShortPasswordAreShownBesideTheirFieldsAndCreateNothing() throws Exception {
        String html = mvc.perform(post("/register").with(csrf()).param("email", "not-an-email").param("password", "short"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "email-error")).isEqualTo("Enter a valid email address.");
        assertThat(Html.textOf(html, "password-error")).isEqualTo("Use a password of 12 to 128 characters.");
        assertThat(Html.attributeOf(html, "email", "value")).isEqualTo("not-an-email");
        assertThat(Html.attributeOf(html, "email", "aria-invalid")).isEqualTo("true");
        assertThat(html).doesNotContain("short");
        assertThat(users()).isZero();
        assertThat(db.jdbc().sql("SELECT count(*) FROM ledger_entry").query(Long.class).single()).isZero();
    }

    @Test
    void signingInWithTheRightPasswordOpensGenerate() throws Exception {
        accounts.register("bob@example.com", "correct horse");
        mvc.perform(post("/login").with(csrf()).param("username", "bob@example.com").param("password", "correct horse"))
                .andExpect(redirectedUrl("/generate"));
    }

    @Test
    void wrongPasswordShowsWrongEmailOrPassword() throws Exception {
        accounts.register("bob@example.com", "correct horse");
        mvc.perform(post("/login").with(csrf()).param("username", "bob@example.com").param("password", "wrong horse"))
                .andExpect(redirectedUrl("/login?error"));

        String html = page(get("/login").param("error", ""));
        assertThat(Html.textOf(html, "login-error")).isEqualTo("Wrong email or password.");
        assertThat(Html.attributeOf(html, "to-register", "href")).isEqualTo("/register");
    }

    @Test
    void signingOutSaysSo() throws Exception {
        assertThat(Html.textOf(page(get("/login").param("logout", "")), "logout-notice")).isEqualTo("You have been signed out.");
        assertThat(page(get("/login"))).doesNotContain("id=\"login-error\"").doesNotContain("id=\"logout-notice\"");
    }

    /** Signs in through the sign-in form; returns the session cookie. */
    private Cookie signIn(String email) throws Exception {
        Cookie session = mvc.perform(post("/login").with(csrf()).param("username", email).param("password", "correct horse"))
                .andExpect(redirectedUrl("/generate")).andReturn().getResponse().getCookie("SESSION");
        assertThat(session).as("a signed-in session").isNotNull();
        return session;
    }

    private String page(org.springframework.test.web.servlet.RequestBuilder request) throws Exception {
        return mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private long users() {
        return db.jdbc().sql("SELECT count(*) FROM app_user").query(Long.class).single();
    }
}
