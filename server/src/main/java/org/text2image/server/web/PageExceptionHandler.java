package org.text2image.server.web;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;
import org.text2image.server.support.PageNotFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Error pages for browsers. {@link PageNotFoundException} (thrown only by page controllers) is
 * always the friendly {@code error/404} page. An unknown URL or a wrong method is a page too when
 * the client asks for HTML; for anyone else the exception is rethrown, which hands it back to
 * Spring's default handling (JSON for API clients). It runs before Boot's problem-details handler,
 * which would otherwise answer browsers with JSON.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(PageExceptionHandler.class);

    @ExceptionHandler(PageNotFoundException.class)
    ModelAndView notFound(PageNotFoundException e, HttpServletRequest request) {
        log.warn("404 Not Found {}: {}", request.getRequestURI(), e.getMessage());
        return page("error/404", HttpStatus.NOT_FOUND, request);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ModelAndView noSuchPage(NoResourceFoundException e, HttpServletRequest request) throws NoResourceFoundException {
        if (!wantsHtml(request)) {
            throw e;
        }
        log.warn("404 Not Found {}", request.getRequestURI());
        return page("error/404", HttpStatus.NOT_FOUND, request);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ModelAndView wrongMethod(HttpRequestMethodNotSupportedException e, HttpServletRequest request)
            throws HttpRequestMethodNotSupportedException {
        if (!wantsHtml(request)) {
            throw e;
        }
        log.warn("405 Method Not Allowed {} {}", request.getMethod(), request.getRequestURI());
        return page("error", HttpStatus.METHOD_NOT_ALLOWED, request);
    }

    private static ModelAndView page(String view, HttpStatus status, HttpServletRequest request) {
        ModelAndView page = new ModelAndView(view, status);
        page.addObject("status", status.value());
        page.addObject("path", request.getRequestURI());
        return page;
    }

    /** Browsers name text/html explicitly; API clients and workers do not. */
    private static boolean wantsHtml(HttpServletRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return accept != null && accept.contains("text/html") && !request.getRequestURI().startsWith("/api/");
    }
}
