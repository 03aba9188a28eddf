package org.text2image.server.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * Sessions in PostgreSQL (Spring Session JDBC), made safe for requests of one session that run at
 * the same moment (a double click, two tabs). Each request loads the session, changes it and
 * saves only its own changes; when two of them add the same attribute (the flash map of a
 * redirect), the stock {@code INSERT} of the second hits the primary key
 * {@code (session_primary_id, attribute_name)} and the request fails after its work is done. When
 * another request ended the session meanwhile (sign-out), the insert hits the foreign key instead:
 * Spring Session ignores that error, but PostgreSQL has aborted the transaction, so the request's
 * next session change (removing another attribute) fails.
 *
 * <p>A request that changes nothing in its session does not write it
 * ({@link LastAccessThrottledSessions}). A session cookie whose id cannot name a session is ignored, and so is any session cookie on the
 * signed image URLs (see {@link SessionIdCookies}).
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

    /**
     * Puts {@link LastAccessThrottledSessions} in front of the JDBC repository, so a request that
     * changes nothing in its session does not write it.
     */
    @Bean
    static BeanPostProcessor lastAccessThrottledSessions() {
        return new BeanPostProcessor() {
            @Override
            @SuppressWarnings({"unchecked", "rawtypes"}) // the JDBC repository's session class is not public
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof JdbcIndexedSessionRepository jdbc
                        ? new LastAccessThrottledSessions((FindByIndexNameSessionRepository) jdbc) : bean;
            }
        };
    }

    /**
     * Around Spring Session's filter: drops the session the request committed when the request
     * ends, so {@link LastAccessThrottledSessions} answers a lookup from memory only within one
     * request.
     */
    @Bean
    FilterRegistrationBean<Filter> committedSessionPerRequest() {
        Filter filter = (request, response, chain) -> {
            LastAccessThrottledSessions.forgetCommitted();
            try {
                chain.doFilter(request, response);
            } finally {
                LastAccessThrottledSessions.forgetCommitted();
            }
        };
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER - 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }

    /** Wraps Boot's session {@link CookieSerializer} (its settings stay Boot's) in {@link SessionIdCookies}. */
    @Bean
    static BeanPostProcessor sessionIdCookies() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof CookieSerializer cookies ? new SessionIdCookies(cookies) : bean;
            }
        };
    }

    /**
     * Reads only session ids that can name a session: Spring Session names them with random UUIDs
     * (36 characters of hex digits and '-'). The cookie holds the id in Base64, so a client can make
     * it decode to anything, such as text with NUL, which PostgreSQL refuses in the session query
     * with a 500 on every request, the error page's included.
     *
     * <p>On the signed image URLs ({@link PageSecurity#SIGNED_IMAGES}) there is no session id at all:
     * those requests need none, and without an id Spring Session neither loads the session (a
     * query) nor saves its last-access time (an update) when something asks for it, such as Spring
     * MVC's flash attributes on every request.
     */
    record SessionIdCookies(CookieSerializer cookies) implements CookieSerializer {

        private static final Pattern SESSION_ID = Pattern.compile("[0-9A-Za-z-]{1,36}");

        @Override
        public void writeCookieValue(CookieValue cookieValue) {
            cookies.writeCookieValue(cookieValue);
        }

        @Override
        public List<String> readCookieValues(HttpServletRequest request) {
            if (request.getRequestURI().startsWith(request.getContextPath() + PageSecurity.SIGNED_IMAGES)) {
                return List.of();
            }
            return cookies.readCookieValues(request).stream().filter(id -> SESSION_ID.matcher(id).matches()).toList();
        }
    }
}
