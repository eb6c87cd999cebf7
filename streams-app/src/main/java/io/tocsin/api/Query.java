package io.tocsin.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds a query string from name/value pairs, leaving out null values. */
final class Query {

    private Query() {
    }

    static String of(String... namesAndValues) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                q.append(q.length() == 0 ? '?' : '&').append(namesAndValues[i]).append('=')
                        .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
            }
        }
        return q.toString();
    }
}
