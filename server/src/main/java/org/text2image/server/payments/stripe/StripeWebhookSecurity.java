package org.text2image.server.payments.stripe;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.text2image.server.support.SecurityHeaders;

/**
 * The Stripe webhook's own filter chain: this one path only, no sign-in, no session, no CSRF token
 * (Stripe cannot send one; the event's signature is checked instead). Every other path keeps the
 * pages' chain with CSRF.
 */
@Configuration(proxyBeanMethods = false)
class StripeWebhookSecurity {

    @Bean
    @Order(1)
    SecurityFilterChain stripeWebhookFilterChain(HttpSecurity http) throws Exception {
        return http.securityMatcher(StripeProperties.WEBHOOK_PATH)
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .headers(SecurityHeaders::configure)
                .build();
    }
}
