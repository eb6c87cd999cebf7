package io.tocsin.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An exception event on {@code tocsin.errors}. {@code count} is how many occurrences the event stands for (an agent
 * aggregates storms of identical exceptions); {@code fingerprint}, when set, replaces the computed grouping.
 */
public record ExceptionEvent(
        String type,
        int version,
        String id,
        Instant timestamp,
        String service,
        String instance,
        String environment,
        String category,
        ExceptionInfo exception,
        RequestInfo request,
        Map<String, String> tags,
        List<String> fingerprint,
        long count) {

    public static final String TYPE = "exception";
    /** The category of the failures URL probers report: why a health check failed, quoted by the down alert. */
    public static final String PROBE_CATEGORY = "PROBE";

    public ExceptionEvent {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        fingerprint = fingerprint == null ? null : List.copyOf(fingerprint);
        count = count <= 0 ? 1 : count;
    }

    /** The record key of the input topics: {@code service/instance}. */
    public String key() {
        return Keys.of(service, instance);
    }
}
