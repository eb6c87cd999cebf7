package io.tocsin.heartbeat;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides when a heartbeat that changes nothing but an instance's last heartbeat time and load figures is worth a
 * record on {@code tocsin.instances}: once per {@code intervalMs} per instance. Any other change (a status, an outage,
 * a probe failure, a new address or timeout) is published at once by the monitor, and the API reads the store, so
 * only readers of the topic see load figures up to an interval old.
 *
 * <p>In memory, one per task: after a restart every instance's next heartbeat is published, which is more, never
 * less. Bounded: beyond {@code capacity} instances it starts over, with the same effect.
 */
final class RegistryRefresh {

    private final long intervalMs;
    private final int capacity;
    private final Map<String, Long> publishedAt = new HashMap<>();

    RegistryRefresh(long intervalMs, int capacity) {
        this.intervalMs = intervalMs;
        this.capacity = capacity;
    }

    /** Whether a refresh of {@code instance} at {@code at} is published; if so, it counts as its last publication. */
    boolean due(String instance, long at) {
        Long last = publishedAt.get(instance);
        if (last != null && at - last < intervalMs) {
            return false;
        }
        published(instance, at);
        return true;
    }

    void published(String instance, long at) {
        if (publishedAt.size() >= capacity && !publishedAt.containsKey(instance)) {
            publishedAt.clear();
        }
        publishedAt.put(instance, at);
    }
}
