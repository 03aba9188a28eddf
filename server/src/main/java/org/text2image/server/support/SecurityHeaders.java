package org.text2image.server.support;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The security headers every answer of the site carries: pages through Spring Security's headers
 * DSL ({@code web/PageSecurity}, {@code workers/WorkerApiSecurity}), and the signed image fast path,
 * which answers before Spring Security, through {@link #write}. One list, so the paths cannot drift
 * apart. docs/SECURITY.md explains each header.
 */
public final class SecurityHeaders {

    /**
     * The Content-Security-Policy: scripts, styles, images and connections from the site only (no
     * inline script, no inline event handler, no {@code style} attribute, no {@code eval}), no
     * plugins, no framing, no {@code <base>} elsewhere. {@code img-src data:} lets the UPI QR code
     * be an inline image. There is no {@code form-action}: browsers apply it to the redirect after
     * a form post, which would block a payment provider's hosted checkout.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
            + "base-uri 'self'; frame-ancestors 'none'";

    /** Browser features the site never uses, switched off for it and anything it could embed. */
    public static final String PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
            + "serial=(), hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
            + "display-capture=()";

    /** Links to other sites carry no {@code Referer} (a job or payment URL never leaks). */
    public static final String REFERRER_POLICY = "same-origin";

    /** HSTS max-age in seconds (one year), sent on {@code https} requests only. */
    public static final long HSTS_MAX_AGE_SECONDS = 31_536_000;

    private SecurityHeaders() {
    }

    /**
     * Sets the headers on a filter chain (Spring Security's DSL): its defaults (nosniff, no-cache
     * for pages, HSTS on https requests only) plus CSP, Referrer-Policy, Permissions-Policy and
     * {@code X-Frame-Options: DENY}.
     */
    public static void configure(HeadersConfigurer<HttpSecurity> headers) {
        headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                .permissionsPolicyHeader(permissions -> permissions.policy(PERMISSIONS_POLICY))
                .frameOptions(frames -> frames.deny())
                .httpStrictTransportSecurity(hsts -> hsts.maxAgeInSeconds(HSTS_MAX_AGE_SECONDS).includeSubDomains(true));
    }

    /**
     * Writes the headers Spring Security's DSL writes on the pages, for an answer made outside
     * Spring Security: CSP, Referrer-Policy, Permissions-Policy, X-Frame-Options, nosniff, and
     * HSTS when the request came over https (directly or, with forwarded headers on, through a
     * TLS proxy).
     */
    public static void write(boolean secure, HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("Referrer-Policy", REFERRER_POLICY);
        response.setHeader("Permissions-Policy", PERMISSIONS_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (secure) {
            response.setHeader("Strict-Transport-Security", "max-age=" + HSTS_MAX_AGE_SECONDS + " ; includeSubDomains");
        }
    }
}
