package org.text2image.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, with a 400 and before anything else runs, a request whose parameters contain the NUL
 * character (U+0000, {@code %00} in a URL or form): query strings, form fields and the
 * text parts of a multipart body (file parts are binary and not parameters). PostgreSQL cannot
 * store NUL in a text column, so every stored text field (an email, a token name, a reason) would
 * otherwise fail at its insert as a 500. The reason goes to the container's error page, which
 * {@link SiteErrorController} renders as the site's HTML page (problem details under {@code /api/}).
 * JSON bodies are checked by {@link NulFreeStringDeserializer}.
 */
class NulCharacterFilter extends OncePerRequestFilter {

    /** What the user is told. */
    static final String REASON = "The form or the address contains a NUL character (U+0000), which text on this "
            + "site cannot hold. Remove it and try again.";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (containsNul(request.getParameterMap())) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, REASON);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean containsNul(Map<String, String[]> parameters) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (parameter.getKey().indexOf('\0') >= 0) {
                return true;
            }
            for (String value : parameter.getValue()) {
                if (value != null && value.indexOf('\0') >= 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
