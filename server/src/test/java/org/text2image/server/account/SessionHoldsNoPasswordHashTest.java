package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.BrowserSession;

/** A signed-in session stores who the user is, never their password hash. */
@IntegrationTest
class SessionHoldsNoPasswordHashTest {

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;

    @BeforeEach
    void setUp() {
        db.clean();
        accounts.register("alice@example.com", "correct horse battery");
    }

    @Test
    void theStoredSecurityContextHasNoPasswordHash() throws Exception {
        BrowserSession alice = new BrowserSession(port).signIn("alice@example.com", "correct horse battery");
        assertThat(alice.get("/account").statusCode()).as("signed in").isEqualTo(200);
        String hash = db.jdbc().sql("SELECT password_hash FROM app_user WHERE email = 'alice@example.com'")
                .query(String.class).single();

        List<byte[]> contexts = db.jdbc().sql("""
                SELECT attribute_bytes FROM spring_session_attributes WHERE attribute_name = 'SPRING_SECURITY_CONTEXT'""")
                .query(byte[].class).list();

        assertThat(contexts).hasSize(1);
        String stored = new String(contexts.getFirst(), StandardCharsets.ISO_8859_1);
        assertThat(stored).contains("alice@example.com").doesNotContain(hash.substring(hash.lastIndexOf('$') + 1));
    }
}
