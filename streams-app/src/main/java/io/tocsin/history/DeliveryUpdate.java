package io.tocsin.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import java.time.Instant;

/**
 * One decision of the notifier about one alert, on {@code tocsin.alert-deliveries} keyed by the alert's key: what the
 * alert was (enough to list it without the alert itself) and where it stands with its route.
 *
 * @param at        when the decision was made (wall clock of the notifier)
 * @param detail    the route's answer for {@code RETRYING} and {@code REFUSED}; {@code silencedBy} for {@code SILENCED}
 * @param attempts  failed attempts so far
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryUpdate(String id, AlertKind kind, String key, String service, String environment, String instance,
                             Instant timestamp, String title, Integer occurrence, Integer limit, long suppressed,
                             String route, DeliveryState state, String detail, int attempts, Instant at) {

    public static DeliveryUpdate of(Alert alert, String route, DeliveryState state, String detail, int attempts, Instant at) {
        return new DeliveryUpdate(alert.id(), alert.kind(), alert.key(), alert.service(), alert.environment(), alert.instance(),
                alert.timestamp(), alert.title(), alert.occurrence(), alert.limit(), alert.suppressed(), route, state, detail,
                attempts, at);
    }

    /**
     * This update after {@code earlier} of the same alert: a settled state stands against a late WAITING or RETRYING
     * (a peer that lost the partition may still report one), and attempts only grow.
     */
    public DeliveryUpdate after(DeliveryUpdate earlier) {
        if (earlier.state.settled() && !state.settled()) {
            return earlier;
        }
        int tried = Math.max(attempts, earlier.attempts);
        return tried == attempts ? this : new DeliveryUpdate(id, kind, key, service, environment, instance, timestamp, title,
                occurrence, limit, suppressed, route, state, detail, tried, at);
    }
}
