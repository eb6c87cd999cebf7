package io.tocsin.watchdog;

import io.tocsin.model.Alert;
import io.tocsin.model.Canary;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When each canary instance's latest round came through, per part: written by the notifier's thread as it delivers,
 * read by the watchdog's. A round is through when both of its parts are, so the time it was sent is the smaller of the
 * two latest.
 */
public final class CanaryClock {

    /** Canary instances seen, including peers' canaries a rebalance sent here: a few per app instance. */
    private static final int CAPACITY = 1_000;

    private final Map<String, EnumMap<Canary.Part, Long>> latest = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EnumMap<Canary.Part, Long>> eldest) {
            return size() > CAPACITY;
        }
    };

    /** A canary alert the notifier delivered. */
    public synchronized void delivered(Alert alert) {
        Canary.Part.of(alert).ifPresent(part -> latest.computeIfAbsent(alert.instance(), i -> new EnumMap<>(Canary.Part.class))
                .merge(part, alert.timestamp().toEpochMilli(), Math::max));
    }

    /** The send time of the newest round of this canary instance that came all the way through; MIN_VALUE if none. */
    public synchronized long roundTrip(String instance) {
        EnumMap<Canary.Part, Long> parts = latest.get(instance);
        if (parts == null || parts.size() < Canary.Part.values().length) {
            return Long.MIN_VALUE;
        }
        return parts.values().stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
    }
}
