package io.tocsin.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A heartbeat on {@code tocsin.heartbeats}: the instance is alive, or (STOPPING) going away on purpose. {@code agent},
 * optional, carries the producer agent's own counters (captured, sent, spooled, dropped by reason, …).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
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
        Map<String, Double> load,
        Map<String, Long> agent) {

    public static final String TYPE = "heartbeat";

    public enum Status { UP, STOPPING }

    public HeartbeatEvent {
        // insertion order kept: the first figure reported is the default for least-loaded ordering
        load = load == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(load));
        agent = agent == null ? null : Map.copyOf(agent);
    }

    /** A heartbeat without the agent's self-report (from the prober, scripts, other languages). */
    public HeartbeatEvent(String type, int version, Instant timestamp, String service, String instance, String environment,
                          String address, long intervalMs, Status status, Map<String, Double> load) {
        this(type, version, timestamp, service, instance, environment, address, intervalMs, status, load, null);
    }

    public String key() {
        return Keys.of(service, instance);
    }
}
