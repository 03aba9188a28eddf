package org.text2image.server.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.text2image.worker.api.WorkerApi;

/**
 * Keeps multipart bodies at their old bound of {@value #MAX_BYTES} bytes everywhere but the worker
 * API's completions ({@code POST /api/worker/v1/jobs/{id}/complete}, which carries videos, and
 * {@code POST /api/worker/v1/trainings/{id}/complete}, which carries a LoRA file of up to
 * {@code text2image.training.max-lora-bytes}), both bounded by
 * {@code spring.servlet.multipart.max-request-size} (1100 MB). The container's multipart limits are
 * global and any filter reading a parameter parses a multipart body to disk, so without this an
 * unauthenticated multipart {@code POST} to any page could make the server write a gigabyte: such a
 * request is answered 413 from its {@code Content-Length} before anything reads it, and one
 * without a length (chunked) is refused the same way. Image parts of a completion keep their
 * 20 MB limit in code (the worker API controller).
 */
@Configuration(proxyBeanMethods = false)
class MultipartSizeLimit {

    /** Largest multipart body outside the worker completion, in bytes (100 MB, the former {@code max-request-size}). */
    static final long MAX_BYTES = 100L * 1024 * 1024;

    private static final Pattern WORKER_COMPLETION = Pattern.compile(
            Pattern.quote(WorkerApi.BASE_PATH) + "/(jobs|trainings)/[^/]+/complete");

    /** Before every other filter: the character-encoding filter and {@code NulCharacterFilter} read parameters. */
    @Bean
    FilterRegistrationBean<Filter> multipartSizeLimitFilter() {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(new Filter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }

    /** The filter: 413 for a multipart body over {@value #MAX_BYTES} bytes or of unknown length, outside the completion. */
    static class Filter extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String type = request.getContentType();
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")
                    && !WORKER_COMPLETION.matcher(request.getRequestURI().substring(request.getContextPath().length())).matches()
                    && (request.getContentLengthLong() < 0 || request.getContentLengthLong() > MAX_BYTES)) {
                response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                        "A multipart body here may be at most " + MAX_BYTES + " bytes, with its Content-Length.");
                return;
            }
            chain.doFilter(request, response);
        }
    }
}
