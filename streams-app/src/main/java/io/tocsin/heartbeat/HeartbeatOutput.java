package io.tocsin.heartbeat;

import io.tocsin.model.Alert;

/** What the monitor emits: an alert for {@code tocsin.alerts} or a registry update for {@code tocsin.instances}. */
public record HeartbeatOutput(Alert alert, InstanceEntry entry) {

    public static HeartbeatOutput alert(Alert alert) {
        return new HeartbeatOutput(alert, null);
    }

    public static HeartbeatOutput registry(InstanceEntry entry) {
        return new HeartbeatOutput(null, entry);
    }

    public boolean isAlert() {
        return alert != null;
    }
}
