package io.tocsin.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The watchdog's synthetic events and what the topology makes of them. A canary rides the real path (input topic,
 * parse, repartition, the throttle or the monitor, {@code tocsin.alerts}, the notifier) but touches no state: the
 * throttle and the monitor answer it with one {@link AlertKind#CANARY} alert on the reserved route,
 * which the notifier hands to the watchdog instead of Slack. The service name {@value #SERVICE} is reserved.
 */
public final class Canary {

    public static final String SERVICE = "tocsin-canary";
    public static final String ENVIRONMENT = "tocsin";
    public static final String ROUTE = "tocsin-canary";

    /** Which input a canary came through; an alert's {@code text} names it. */
    public enum Part {
        EXCEPTION, HEARTBEAT;

        public static Optional<Part> of(Alert alert) {
            for (Part p : values()) {
                if (p.name().equals(alert.text())) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    private Canary() {
    }

    public static boolean isCanary(String service) {
        return SERVICE.equals(service);
    }

    public static ExceptionEvent exception(String instance, Instant at) {
        return new ExceptionEvent(ExceptionEvent.TYPE, EventCodec.VERSION, "canary-" + instance + "-" + at.toEpochMilli(), at,
                SERVICE, instance, ENVIRONMENT, null, new ExceptionInfo("io.tocsin.Canary", "canary", List.of(), null),
                null, Map.of(), List.of(SERVICE), 1);
    }

    public static HeartbeatEvent heartbeat(String instance, Instant at, long intervalMs) {
        return new HeartbeatEvent(HeartbeatEvent.TYPE, EventCodec.VERSION, at, SERVICE, instance, ENVIRONMENT, null,
                intervalMs, HeartbeatEvent.Status.UP, Map.of());
    }

    /** The answer to a canary event sent at {@code sentAt}, keyed (on the alerts topic too) by the canary's own key. */
    public static Alert alert(Part part, String instance, Instant sentAt) {
        String key = Keys.of(SERVICE, instance);
        return Alert.canary("canary-" + part.name().toLowerCase() + "-" + instance + "-" + sentAt.toEpochMilli(),
                        new Alert.Subject(key, SERVICE, ENVIRONMENT, instance), sentAt, part.name())
                .routed(ROUTE, Optional.empty());
    }
}
