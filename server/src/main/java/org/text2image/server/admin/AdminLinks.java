package org.text2image.server.admin;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Addresses of admin pages with a query, for links between them (the dashboard's figures, pagers). */
final class AdminLinks {

    private AdminLinks() {
    }

    /** {@link #of(String, Map)} with the query as name, value, name, value, … in that order. */
    static String of(String path, String... pairs) {
        Map<String, String> query = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            query.put(pairs[i], pairs[i + 1]);
        }
        return of(path, query);
    }

    /** {@code path?name=value&…}, values URL-encoded, empty values left out. */
    static String of(String path, Map<String, String> query) {
        String joined = query.entrySet().stream().filter(entry -> entry.getValue() != null && !entry.getValue().isEmpty())
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return joined.isEmpty() ? path : path + "?" + joined;
    }
}
