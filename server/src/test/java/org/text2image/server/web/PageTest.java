package org.text2image.server.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.text2image.server.support.IntegrationTest;

/**
 * A page test: {@link IntegrationTest} with MockMvc (all filters: security, Spring Session).
 * MockMvc makes a separate Spring context with its own embedded PostgreSQL (and, through
 * {@link IntegrationTest}, its own data directory).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@IntegrationTest
@AutoConfigureMockMvc
public @interface PageTest {
}
