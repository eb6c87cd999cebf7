package io.tocsin.model;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A heartbeat on {@code tocsin.heartbeats}: the instance is alive, or (STOPPING) going away on purpose. */
public record HeartbeatEvent(
        String type,
        int version,
        Instant timestamp,
        String service,
        String instance,
        String environment,
        String address,
        long intervalMs,
        Status status,
        Map<String, Double> load) {

    public static final String TYPE = "heartbeat";

    public enum Status { UP, STOPPING }

    public HeartbeatEvent {
        // insertion order kept: the first figure reported is the default for least-loaded ordering
        load = load == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(load));
    }

    public String key() {
        return service + "/" + instance;
    }
}
