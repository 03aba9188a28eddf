package org.text2image.server.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;

/**
 * Sessions in PostgreSQL (Spring Session JDBC), made safe for requests of one session that run at
 * the same moment (a double click, two tabs). Each request loads the session, changes it and
 * saves only its own changes; when two of them add the same attribute (the flash map of a
 * redirect), the stock {@code INSERT} of the second hits the primary key
 * {@code (session_primary_id, attribute_name)} and the request fails after its work is done. When
 * another request ended the session meanwhile (sign-out), the insert hits the foreign key instead:
 * Spring Session ignores that error, but PostgreSQL has aborted the transaction, so the request's
 * next session change (removing another attribute) fails.
 */
@Configuration(proxyBeanMethods = false)
class SessionStore {

    /**
     * Adds an attribute, or overwrites it when another request of the session added it first (the
     * last save wins, as for any attribute both change); adds nothing when the session row is gone.
     * The parameters are Spring Session's: primary id, attribute name, serialized value.
     * {@code FOR KEY SHARE} keeps the session row until the insert's foreign-key check.
     */
    static final String CREATE_SESSION_ATTRIBUTE_QUERY = """
            INSERT INTO %TABLE_NAME%_ATTRIBUTES (SESSION_PRIMARY_ID, ATTRIBUTE_NAME, ATTRIBUTE_BYTES)
            SELECT S.PRIMARY_ID, A.NAME, A.BYTES
            FROM (VALUES (?, ?, ?)) AS A (ID, NAME, BYTES)
            JOIN %TABLE_NAME% S ON S.PRIMARY_ID = A.ID
            FOR KEY SHARE OF S
            ON CONFLICT (SESSION_PRIMARY_ID, ATTRIBUTE_NAME) DO UPDATE SET ATTRIBUTE_BYTES = EXCLUDED.ATTRIBUTE_BYTES
            """;

    @Bean
    SessionRepositoryCustomizer<JdbcIndexedSessionRepository> concurrentSafeSessionAttributes() {
        return repository -> repository.setCreateSessionAttributeQuery(CREATE_SESSION_ATTRIBUTE_QUERY);
    }
}
