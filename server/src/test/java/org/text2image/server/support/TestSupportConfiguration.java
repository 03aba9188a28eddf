package org.text2image.server.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.text2image.server.workers.TestWorkers;

/** Beans every integration test shares: the movable clock and the table cleaner. */
@TestConfiguration(proxyBeanMethods = false)
public class TestSupportConfiguration {

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock();
    }

    @Bean
    TestDatabase testDatabase(JdbcClient jdbc, ApplicationContext context) {
        return new TestDatabase(jdbc, () -> TestWorkers.endWaitingClaims(context));
    }
}
