package io.tocsin.heartbeat;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One instance in the live registry: the heartbeat monitor's state, the value of {@code tocsin.instances} and the
 * element of {@code GET /api/instances}. {@code lastHeartbeat} is the broker append time of its last heartbeat;
 * {@code timeoutMs} is its effective timeout, max(heartbeat.timeout, 2 × intervalMs + 1 s).
 */
public record InstanceEntry(
        String service,
        String instance,
        String environment,
        String address,
        long intervalMs,
        long timeoutMs,
        InstanceStatus status,
        Instant lastHeartbeat,
        Instant since,
        Map<String, Double> load) {

    public InstanceEntry {
        // insertion order kept: the first figure reported is the default for least-loaded ordering
        load = load == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(load));
    }

    public String key() {
        return service + "/" + instance;
    }

    public InstanceEntry withStatus(InstanceStatus newStatus, Instant at) {
        return new InstanceEntry(service, instance, environment, address, intervalMs, timeoutMs, newStatus, lastHeartbeat, at, load);
    }

    /** The first figure the instance reported, the default for least-loaded ordering. */
    public double primaryLoad() {
        return load.isEmpty() ? 0 : load.values().iterator().next();
    }
}
