package org.text2image.server.support;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Starts an embedded PostgreSQL ({@link EmbeddedPostgresServer}) when no {@code spring.datasource.url}
 * is configured, so a fresh checkout runs with no setup ({@link DatabaseProperties}: its data stays
 * in {@code text2image.database.embedded-data-dir} across restarts, durably unless
 * {@code text2image.database.embedded-durable=false}, which is for tests).
 *
 * <p>The Spring context owns the server: the pool is built on it, so on shutdown Spring destroys
 * the pool first (after every lifecycle — the embedded worker, the web server, the database
 * signals — has stopped) and the server last.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDatasourceUrl.class)
@EnableConfigurationProperties(DatabaseProperties.class)
public class EmbeddedPostgresConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedPostgresServer embeddedPostgres(DatabaseProperties properties) throws IOException {
        return EmbeddedPostgresServer.start(properties.embeddedSettings());
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgresServer postgres, Environment environment) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.jdbcUrl());
        dataSource.setUsername(EmbeddedPostgresServer.SUPERUSER);
        dataSource.setMaximumPoolSize(environment.getProperty("spring.datasource.hikari.maximum-pool-size", Integer.class, 20));
        dataSource.setPoolName("text2image");
        return dataSource;
    }

    /** True when the operator has not pointed the server at a PostgreSQL of their own. */
    static final class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}
