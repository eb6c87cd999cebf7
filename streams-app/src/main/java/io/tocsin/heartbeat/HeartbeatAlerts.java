package io.tocsin.heartbeat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The availability alerts and their wording, apart from when they are raised ({@link HeartbeatMonitorProcessor}).
 * Ids come from what the outage is (instance or members and their last heartbeat), so a replay or a rerun after a
 * restart gives the same ids and delivery never posts one twice.
 */
final class HeartbeatAlerts {

    private HeartbeatAlerts() {
    }

    static Alert instanceDown(InstanceEntry e) {
        return instanceAlert(Alert.idOf(AlertKind.INSTANCE_DOWN, e.key(), e.lastHeartbeat().toEpochMilli()), AlertKind.INSTANCE_DOWN,
                e, e.since().toEpochMilli(), name(e) + " is down", silence(e));
    }

    static Alert instanceUp(InstanceEntry down, InstanceEntry back) {
        Duration downFor = Duration.between(down.lastHeartbeat(), back.lastHeartbeat());
        String text = "heartbeats resumed after " + Durations.format(Duration.ofSeconds(downFor.toSeconds()))
                + " of silence (last before at " + down.lastHeartbeat() + ")";
        return instanceAlert(Alert.idOf(AlertKind.INSTANCE_UP, down.key(), down.lastHeartbeat().toEpochMilli()), AlertKind.INSTANCE_UP,
                down, back.lastHeartbeat().toEpochMilli(), name(back) + " is back up", text);
    }

    /** Reported once when an instance went down more often than the flap count within the window. */
    static Alert flapping(InstanceEntry e, long at, Duration flapWindow) {
        String text = e.outage().recentDowns().size() + " outages within " + Durations.format(flapWindow)
                + "; down/up alerts are held until it has been stable for " + Durations.format(flapWindow);
        return instanceAlert(Alert.idOf(AlertKind.INSTANCE_FLAPPING, e.key(), e.outage().recentDowns().get(0)),
                AlertKind.INSTANCE_FLAPPING, e, at, name(e) + " is flapping", text);
    }

    /** One alert for instances of one service that went down together, sorted by instance name. */
    static Alert serviceDown(List<InstanceEntry> members) {
        InstanceEntry first = members.get(0);
        String id = Alert.idOf(AlertKind.SERVICE_DOWN, first.service(), first.environment(), members.stream()
                .map(e -> e.instance() + "@" + e.lastHeartbeat().toEpochMilli()).collect(Collectors.joining(",")));
        String text = members.stream().map(e -> "• " + e.instance() + ": " + silence(e)).collect(Collectors.joining("\n"));
        return serviceAlert(id, AlertKind.SERVICE_DOWN, members, members.get(members.size() - 1).since().toEpochMilli(), "down", text);
    }

    /** The end of the service outage {@code downAlertId}, once all of its members are back. */
    static Alert serviceUp(List<InstanceEntry> members, long at, String downAlertId) {
        String text = members.stream().map(e -> "• " + e.instance() + ": back, last beat " + e.lastHeartbeat())
                .collect(Collectors.joining("\n"));
        return serviceAlert(Alert.idOf(AlertKind.SERVICE_UP, downAlertId), AlertKind.SERVICE_UP, members, at, "back up", text);
    }

    private static String silence(InstanceEntry e) {
        return "no heartbeat for " + Durations.format(Duration.ofMillis(e.timeoutMs())) + " (last at " + e.lastHeartbeat()
                + (e.address() == null ? "" : " from " + e.address()) + ")"
                + (e.lastFailure() == null ? "" : "; last health check failure: " + e.lastFailure());
    }

    private static String name(InstanceEntry e) {
        return e.key();
    }

    private static Alert instanceAlert(String id, AlertKind kind, InstanceEntry e, long at, String title, String text) {
        return Alert.availability(id, kind, new Alert.Subject(e.key(), e.service(), e.environment(), e.instance()),
                Instant.ofEpochMilli(at), title, text);
    }

    private static Alert serviceAlert(String id, AlertKind kind, List<InstanceEntry> members, long at, String state, String text) {
        InstanceEntry first = members.get(0);
        return Alert.availability(id, kind, new Alert.Subject(first.service(), first.service(), first.environment(), null),
                Instant.ofEpochMilli(at), first.service() + ": " + members.size() + " instances " + state, text);
    }
}
