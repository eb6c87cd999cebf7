package io.tocsin.routing;

import io.tocsin.model.Alert;
import java.time.Instant;

/** A silence made through the API (kept on the compacted topic {@code tocsin.silences}): who, why, what and until when. */
public record Silence(String id, Matchers matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {

    public boolean silences(Alert alert) {
        Instant at = alert.timestamp();
        return !at.isBefore(startsAt) && at.isBefore(endsAt) && matchers.matches(alert);
    }

    public boolean activeAt(Instant at) {
        return at.isBefore(endsAt);
    }
}
