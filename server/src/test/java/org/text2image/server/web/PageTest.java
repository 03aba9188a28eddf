package org.text2image.server.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.TestPropertySource;
import org.text2image.server.support.IntegrationTest;

/**
 * A page test: {@link IntegrationTest} with MockMvc (all filters: security, Spring Session).
 * MockMvc makes a separate Spring context, and every context starts its own embedded PostgreSQL,
 * so page tests get their own data directory: two servers on one directory fail at initdb.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@IntegrationTest
@AutoConfigureMockMvc
@TestPropertySource(properties = "text2image.database.embedded-data-dir=target/test-postgres-pages")
public @interface PageTest {
}
