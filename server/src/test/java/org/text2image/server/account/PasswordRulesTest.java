package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * The password rule at registration: 12 to 128 characters counted as Unicode code points, not
 * only white space, not one of the most common passwords. Whatever the length or the bytes, the
 * answer is an account or a message beside the field, never a 500.
 */
@PageTest
class PasswordRulesTest {

    @Autowired MockMvc mvc;
    @Autowired TestDatabase db;

    @BeforeEach
    void setUp() {
        db.clean();
    }

    @Test
    void passwordsLongerThanBcryptsSeventyTwoBytesAreAcceptedUpTo128Characters() throws Exception {
        assertAccepted("a72@example.com", "p".repeat(72));
        assertAccepted("a73@example.com", "p".repeat(73));
        assertAccepted("a128@example.com", "p".repeat(128));
    }

    @Test
    void aPasswordOf129CharactersIsRefusedBesideTheField() throws Exception {
        assertRefused("p".repeat(129), "Use a password of 12 to 128 characters.");
    }

    @Test
    void lengthCountsCodePointsNotBytesOrUtf16Units() throws Exception {
        assertAccepted("accents@example.com", "é".repeat(40)); // 80 bytes of UTF-8
        assertAccepted("emoji@example.com", "🎨".repeat(128)); // 256 UTF-16 units, 512 bytes
        assertRefused("🎨".repeat(129), "Use a password of 12 to 128 characters.");
        assertRefused("🎨".repeat(11), "Use a password of 12 to 128 characters.");
    }

    @Test
    void aPasswordOfOnlyWhiteSpaceIsRefused() throws Exception {
        assertRefused(" ".repeat(8), "Use a password of 12 to 128 characters.");
        assertRefused(" ".repeat(12), "A password cannot be only spaces.");
        assertRefused("\u00a0\u2007\u200b\t".repeat(4), "A password cannot be only spaces.");
    }

    @Test
    void aCommonPasswordIsRefused() throws Exception {
        assertRefused("1qaz2wsx3edc", "This password is on a list of common passwords. Choose another.");
        assertRefused("Administrator", "This password is on a list of common passwords. Choose another.");
    }

    private void assertAccepted(String email, String password) throws Exception {
        MockHttpServletResponse response = register(email, password);
        assertThat(response.getStatus()).as(password.length() + " UTF-16 units").isEqualTo(302);
        assertThat(db.jdbc().sql("SELECT count(*) FROM app_user WHERE email = ?").params(email).query(Long.class).single())
                .isOne();
    }

    private void assertRefused(String password, String message) throws Exception {
        long before = users();
        MockHttpServletResponse response = register("refused@example.com", password);
        assertThat(response.getStatus()).isEqualTo(422);
        assertThat(org.text2image.server.web.Html.textOf(response.getContentAsString(), "password-error")).isEqualTo(message);
        assertThat(users()).isEqualTo(before);
    }

    private MockHttpServletResponse register(String email, String password) throws Exception {
        return mvc.perform(post("/register").with(csrf()).param("email", email).param("password", password))
                .andReturn().getResponse();
    }

    private long users() {
        return db.jdbc().sql("SELECT count(*) FROM app_user").query(Long.class).single();
    }
}
