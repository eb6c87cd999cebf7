package io.tocsin.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every topic of the contract, named once from the configured prefix (the agent, its CLI and the app all name topics
 * here), with the settings the app creates it with.
 * The input topics use broker append time, so a skewed agent clock is never refused and heartbeat silence is measured
 * on one clock.
 */
public record Topics(String prefix) {

    /**
     * A header the app puts on input events between its own steps: the input record's time (broker append time), kept
     * when the stream time becomes the event's own time.
     */
    public static final String APPEND_TIME_HEADER = "tocsin.append-time";
    /** How long delivered alert ids are remembered: longer than any re-read of the alerts topic. */
    public static final Duration DELIVERED_RETENTION = Duration.ofDays(7);
    private static final Map<String, String> APPEND_TIME = Map.of("message.timestamp.type", "LogAppendTime");
    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");

    public String errors() {
        return prefix + "errors";
    }

    public String heartbeats() {
        return prefix + "heartbeats";
    }

    public String alerts() {
        return prefix + "alerts";
    }

    public String errorGroups() {
        return prefix + "error-groups";
    }

    public String instances() {
        return prefix + "instances";
    }

    public String silences() {
        return prefix + "silences";
    }

    public String alertsUndelivered() {
        return prefix + "alerts-undelivered";
    }

    /** Internal: the notifier's memory of delivered alert ids (compacted, kept a week). */
    public String alertsDelivered() {
        return prefix + "alerts-delivered";
    }

    /**
     * The notifier's decision on each alert (waiting, retrying, delivered, silenced, refused), keyed by alert key: the
     * app keeps each key's recent alerts from it. Kept as long as delivered ids.
     */
    public String alertDeliveries() {
        return prefix + "alert-deliveries";
    }

    public String deadLetters() {
        return prefix + "dead-letters";
    }

    /** What the app creates when a topic is missing. */
    public List<Spec> specs() {
        return List.of(
                new Spec(errors(), APPEND_TIME),
                new Spec(heartbeats(), APPEND_TIME),
                new Spec(alerts(), Map.of()),
                new Spec(errorGroups(), COMPACTED),
                new Spec(instances(), COMPACTED),
                new Spec(silences(), COMPACTED),
                new Spec(alertsUndelivered(), Map.of()),
                new Spec(deadLetters(), Map.of()),
                new Spec(alertDeliveries(), Map.of("retention.ms", String.valueOf(DELIVERED_RETENTION.toMillis()))),
                new Spec(alertsDelivered(), Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(DELIVERED_RETENTION.toMillis()))));
    }

    public record Spec(String name, Map<String, String> configs) {
    }
}
