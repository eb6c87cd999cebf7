package io.tocsin.agent;

import java.util.Map;

/** Optional context of a captured exception: the request it served, a category, tags. */
public record Capture(String requestMethod, String requestUrl, String category, Map<String, String> tags) {

    public static final Capture NONE = new Capture(null, null, null, Map.of());

    public Capture {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public static Capture request(String method, String url) {
        return new Capture(method, url, null, Map.of());
    }

    public Capture withCategory(String newCategory) {
        return new Capture(requestMethod, requestUrl, newCategory, tags);
    }

    public Capture withTags(Map<String, String> newTags) {
        return new Capture(requestMethod, requestUrl, category, newTags);
    }
}
