package io.tocsin.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The notifier's figures in Micrometer, by {@code route} (a configured route name) and {@code kind} (the alert kind):
 * each counter exists, at zero, for every route and kind from the start. Also builds the Slack request timer of a route.
 */
public final class DeliveryMetrics {

    public static final String DELIVERED = "tocsin.notifier.delivered";
    public static final String RETRIES = "tocsin.notifier.retries";
    public static final String UNDELIVERED = "tocsin.notifier.undelivered";
    public static final String SLACK_REQUEST = "tocsin.slack.request";
    /** The route and kind of a record on the alerts topic that is not a readable alert. */
    static final String UNREADABLE = "UNREADABLE";
    static final String NO_ROUTE = "none";

    private final MeterRegistry registry;

    public DeliveryMetrics(MeterRegistry registry, Collection<String> routes) {
        this.registry = registry;
        for (String route : routes) {
            for (AlertKind kind : AlertKind.values()) {
                counter(DELIVERED, route, kind.name());
                counter(RETRIES, route, kind.name());
                counter(UNDELIVERED, route, kind.name());
            }
        }
    }

    /** The time of each HTTP request to Slack of one route, with a histogram for percentiles across instances. */
    public static Timer slackRequestTimer(MeterRegistry registry, String route) {
        return Timer.builder(SLACK_REQUEST).description("time of one HTTP request to Slack, answered or not")
                .tag("route", route).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void delivered(String route, List<Alert> alerts) {
        alerts.forEach(a -> counter(DELIVERED, route, a.kind().name()).increment());
    }

    void retried(String route, List<Alert> alerts) {
        alerts.forEach(a -> counter(RETRIES, route, a.kind().name()).increment());
    }

    void undelivered(String route, List<Alert> alerts) {
        alerts.forEach(a -> counter(UNDELIVERED, route, a.kind().name()).increment());
    }

    void unreadable() {
        counter(UNDELIVERED, NO_ROUTE, UNREADABLE).increment();
    }

    private Counter counter(String name, String route, String kind) {
        return Counter.builder(name).description(description(name)).tag("route", route).tag("kind", kind).register(registry);
    }

    private static String description(String name) {
        return switch (name) {
            case DELIVERED -> "alerts accepted by the route's sink";
            case RETRIES -> "alerts of a delivery attempt that failed and will be retried";
            default -> "alerts a route refused for good (written to the undelivered topic)";
        };
    }
}
