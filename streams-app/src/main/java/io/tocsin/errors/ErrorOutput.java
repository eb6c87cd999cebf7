package io.tocsin.errors;

import io.tocsin.model.Alert;

/** What the throttle emits: an alert for {@code tocsin.alerts}, or a group update (null: dropped) for {@code tocsin.error-groups}. */
public record ErrorOutput(Alert alert, ErrorGroup group) {

    static ErrorOutput alert(Alert alert) {
        return new ErrorOutput(alert, null);
    }

    static ErrorOutput group(ErrorGroup group) {
        return new ErrorOutput(null, group);
    }

    public boolean isAlert() {
        return alert != null;
    }
}
