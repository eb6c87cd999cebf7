package io.tocsin.heartbeat;

import io.tocsin.model.Keys;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One instance in the live registry: the heartbeat monitor's state, the value of {@code tocsin.instances} and the
 * element of {@code GET /api/instances}. {@code lastHeartbeat} is the broker append time of its last heartbeat;
 * {@code timeoutMs} its effective timeout; {@code since} when it entered its status; {@code lastFailure} what its
 * prober last reported; {@code outage} how its recent outages were reported.
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
        Map<String, Double> load,
        String lastFailure,
        Outage outage) {

    public InstanceEntry {
        // insertion order kept: the first figure reported is the default for least-loaded ordering
        load = load == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(load));
        outage = outage == null ? Outage.NONE : outage;
    }

    public String key() {
        return key(service, instance);
    }

    public static String key(String service, String instance) {
        return Keys.of(service, instance);
    }

    public InstanceEntry withStatus(InstanceStatus newStatus, Instant at) {
        return new InstanceEntry(service, instance, environment, address, intervalMs, timeoutMs, newStatus, lastHeartbeat, at,
                load, lastFailure, outage);
    }

    public InstanceEntry withOutage(Outage newOutage) {
        return new InstanceEntry(service, instance, environment, address, intervalMs, timeoutMs, status, lastHeartbeat, since,
                load, lastFailure, newOutage);
    }

    public InstanceEntry withLastFailure(String failure) {
        return new InstanceEntry(service, instance, environment, address, intervalMs, timeoutMs, status, lastHeartbeat, since,
                load, failure, outage);
    }

    /** The entry as a heartbeat that changes nothing else would leave it: a new last heartbeat and load figures. */
    public InstanceEntry refreshed(Instant heartbeat, Map<String, Double> figures) {
        return new InstanceEntry(service, instance, environment, address, intervalMs, timeoutMs, status, heartbeat, since,
                figures, lastFailure, outage);
    }

    /** The first figure the instance reported, the default for least-loaded ordering. */
    public double primaryLoad() {
        return load.isEmpty() ? 0 : load.values().iterator().next();
    }

    /** Down, but not reported yet: waiting for others of its service to go down with it. */
    public boolean downUnannounced() {
        return status == InstanceStatus.DOWN && outage.alertId() == null;
    }
}
