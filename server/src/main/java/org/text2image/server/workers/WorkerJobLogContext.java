package org.text2image.server.workers;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.text2image.server.support.LogContext;
import org.text2image.worker.api.WorkerApi;

/**
 * Puts the job id of a worker API call about a job ({@code /api/worker/v1/jobs/{jobId}/…}) into the
 * log context for the whole request, so every line it logs — the queue's, an error handler's —
 * carries {@code jobId} (docs/OPERATIONS.md, "Logs"). The queue adds the {@code userId} once it has
 * read the job. A path whose id is not a UUID is left alone (the controller refuses it).
 */
final class WorkerJobLogContext extends OncePerRequestFilter {

    private static final Pattern JOB_PATH = Pattern.compile(Pattern.quote(WorkerApi.BASE_PATH) + "/jobs/([^/]+)(/.*)?");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try (LogContext.Scope context = LogContext.job(jobId(request))) {
            chain.doFilter(request, response);
        }
    }

    private static UUID jobId(HttpServletRequest request) {
        Matcher matcher = JOB_PATH.matcher(request.getRequestURI().substring(request.getContextPath().length()));
        if (!matcher.matches()) {
            return null;
        }
        try {
            return UUID.fromString(matcher.group(1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Registers the filter on the worker API's job paths, before the security filters. */
    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        FilterRegistrationBean<WorkerJobLogContext> workerJobLogContext() {
            FilterRegistrationBean<WorkerJobLogContext> registration = new FilterRegistrationBean<>(new WorkerJobLogContext());
            registration.addUrlPatterns(WorkerApi.BASE_PATH + "/jobs/*");
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
            return registration;
        }
    }
}
