package io.tocsin.history;

import io.tocsin.model.AlertKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The recent alerts of one alert key (an error group's fingerprint, an instance, a service), newest first, each with
 * where it stands with its route. At most {@code max} are kept: a key's history is for a person to read, not an audit.
 */
public record AlertHistory(List<DeliveryUpdate> alerts) {

    /** Alerts about instances and services coming and going, stored under their own key prefix to be listed alone. */
    public static final Set<AlertKind> AVAILABILITY = EnumSet.of(AlertKind.INSTANCE_DOWN, AlertKind.INSTANCE_UP,
            AlertKind.SERVICE_DOWN, AlertKind.SERVICE_UP, AlertKind.INSTANCE_FLAPPING);
    static final String AVAILABILITY_PREFIX = "A|";
    static final String OTHER_PREFIX = "E|";
    public static final Comparator<DeliveryUpdate> NEWEST_FIRST = Comparator.comparing(DeliveryUpdate::timestamp,
            Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(DeliveryUpdate::id);

    public AlertHistory {
        alerts = List.copyOf(alerts);
    }

    public static AlertHistory empty() {
        return new AlertHistory(List.of());
    }

    /** The store key: availability alerts apart, so the instances page lists them without reading error groups. */
    public static String storeKey(AlertKind kind, String alertKey) {
        return (AVAILABILITY.contains(kind) ? AVAILABILITY_PREFIX : OTHER_PREFIX) + alertKey;
    }

    /** Both store keys an alert key may have. */
    public static List<String> storeKeys(String alertKey) {
        return List.of(OTHER_PREFIX + alertKey, AVAILABILITY_PREFIX + alertKey);
    }

    /** With {@code update} taken in: it replaces the alert's earlier state, unless that was settled and it is not. */
    public AlertHistory with(DeliveryUpdate update, int max) {
        List<DeliveryUpdate> out = new ArrayList<>(alerts.size() + 1);
        DeliveryUpdate merged = update;
        for (DeliveryUpdate a : alerts) {
            if (a.id().equals(update.id())) {
                merged = update.after(a);
            } else {
                out.add(a);
            }
        }
        out.add(merged);
        out.sort(NEWEST_FIRST);
        return new AlertHistory(out.subList(0, Math.min(max, out.size())));
    }

    /** When anything last happened to these alerts; null when there are none. */
    public Instant lastChange() {
        return alerts.stream().map(DeliveryUpdate::at).max(Comparator.naturalOrder()).orElse(null);
    }
}
