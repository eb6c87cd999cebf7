package io.tocsin.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per key, lets something through at most once per {@code intervalMs} (in whatever time the caller passes: event time,
 * record time). In memory, one per task, bounded to {@code capacity} keys, least recently seen forgotten first:
 * forgetting a key only lets its next one through early, which is what every user of this wants on a restart anyway.
 */
public final class OncePerInterval {

    private final long intervalMs;
    private final Map<String, Long> lastAt;

    public OncePerInterval(long intervalMs, int capacity) {
        this.intervalMs = intervalMs;
        this.lastAt = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Whether {@code key} at {@code at} goes through; if so, it counts as its last passage. */
    public boolean due(String key, long at) {
        Long last = lastAt.get(key);
        if (last != null && at - last < intervalMs) {
            return false;
        }
        lastAt.put(key, at);
        return true;
    }

    /** Counts {@code at} as the key's last passage, whether or not it was due. */
    public void passed(String key, long at) {
        lastAt.put(key, at);
    }
}
