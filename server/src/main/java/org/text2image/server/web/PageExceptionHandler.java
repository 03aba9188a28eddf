package org.text2image.server.web;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;
import org.text2image.server.support.PageNotFoundException;

/**
 * {@link PageNotFoundException} (thrown only by page controllers: an unknown id and another user's
 * job alike) is the friendly {@code error/404} page. Every other error of a page (an unknown URL, a
 * wrong method, a parameter of the wrong type) goes to the container's error page, where
 * {@link SiteErrorController} renders it as HTML too. A 404 is logged at DEBUG: it says nothing
 * about the server.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(PageExceptionHandler.class);

    @ExceptionHandler(PageNotFoundException.class)
    ModelAndView notFound(PageNotFoundException e, HttpServletRequest request) {
        log.debug("404 Not Found {}: {}", request.getRequestURI(), e.getMessage()); // not a server problem
        ModelAndView page = new ModelAndView("error/404", HttpStatus.NOT_FOUND);
        page.addObject("status", HttpStatus.NOT_FOUND.value());
        page.addObject("path", request.getRequestURI());
        return page;
    }
}
