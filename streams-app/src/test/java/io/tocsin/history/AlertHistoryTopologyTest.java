package io.tocsin.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.topology.TopologyFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertHistoryTopologyTest {

    private static final Instant T0 = TopologyFixture.T0;
    private final EventCodec codec = new EventCodec();
    private final TopologyFixture topology = new TopologyFixture(Map.of());

    @AfterEach
    void close() {
        topology.close();
    }

    private static Alert error(String fingerprint, int occurrence) {
        return Alert.error(Alert.idOf(fingerprint, occurrence), new Alert.Subject(fingerprint, "orders", "prod", "orders-1"),
                T0.plusSeconds(occurrence), "IllegalStateException: boom", "text", occurrence, 5, T0, T0.plusSeconds(3600));
    }

    private void decide(Alert alert, DeliveryState state, String detail, int attempts) {
        DeliveryUpdate u = DeliveryUpdate.of(alert, "default", state, detail, attempts, T0.plusSeconds(60));
        topology.delivery(alert.key(), codec.write(u), T0.plusSeconds(60));
    }

    @Test
    void eachAlertOfAGroupIsListedOnceNewestFirstWithItsLatestDeliveryState() {
        Alert first = error("v1-a", 1);
        Alert second = error("v1-a", 2);
        decide(first, DeliveryState.WAITING, null, 0);
        decide(second, DeliveryState.WAITING, null, 0);
        decide(first, DeliveryState.RETRYING, "HTTP 503", 1);
        decide(first, DeliveryState.DELIVERED, null, 1);
        decide(second, DeliveryState.SILENCED, "silence:s-1", 0);

        AlertHistory h = topology.alertHistory(AlertHistory.storeKey(AlertKind.ERROR, "v1-a"));

        assertThat(h.alerts()).extracting(DeliveryUpdate::id).containsExactly(second.id(), first.id());
        assertThat(h.alerts()).extracting(DeliveryUpdate::state).containsExactly(DeliveryState.SILENCED, DeliveryState.DELIVERED);
        assertThat(h.alerts().get(1).attempts()).isEqualTo(1);
        assertThat(h.alerts().get(0).detail()).isEqualTo("silence:s-1");
    }

    @Test
    void aLateWordThatAnAlertStillWaitsDoesNotUndoItsDelivery() {
        Alert a = error("v1-b", 1);
        decide(a, DeliveryState.DELIVERED, null, 2);
        decide(a, DeliveryState.RETRYING, "HTTP 503", 1); // a peer that lost the partition, reporting late

        DeliveryUpdate kept = topology.alertHistory(AlertHistory.storeKey(AlertKind.ERROR, "v1-b")).alerts().get(0);

        assertThat(kept.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(kept.attempts()).isEqualTo(2);
    }

    @Test
    void aKeyKeepsOnlyItsNewestAlerts() {
        IntStream.rangeClosed(1, AlertHistoryProcessor.MAX_PER_KEY + 10).forEach(n -> decide(error("v1-c", n), DeliveryState.DELIVERED, null, 0));

        AlertHistory h = topology.alertHistory(AlertHistory.storeKey(AlertKind.ERROR, "v1-c"));

        assertThat(h.alerts()).hasSize(AlertHistoryProcessor.MAX_PER_KEY);
        assertThat(h.alerts().get(0).occurrence()).isEqualTo(AlertHistoryProcessor.MAX_PER_KEY + 10);
    }

    @Test
    void availabilityAlertsAreKeptApartFromErrorGroupsUnderTheirOwnPrefix() {
        Alert down = Alert.availability("d1", AlertKind.INSTANCE_DOWN, new Alert.Subject("orders/orders-2", "orders", "prod", "orders-2"),
                T0, "orders-2 is down", "silent");
        decide(down, DeliveryState.DELIVERED, null, 0);

        assertThat(topology.storeKeys(io.tocsin.topology.StoreNames.ALERT_HISTORY)).containsExactly("A|orders/orders-2");
    }

    @Test
    void aKeyNothingHappenedToForAWeekIsForgottenByTheWallClockSweep() {
        decide(error("v1-d", 1), DeliveryState.DELIVERED, null, 0);

        topology.advanceWallClock(Duration.ofDays(6), Duration.ofHours(1));
        assertThat(topology.alertHistory(AlertHistory.storeKey(AlertKind.ERROR, "v1-d"))).isNotNull();
        topology.advanceWallClock(Duration.ofDays(2), Duration.ofHours(1));

        assertThat(topology.alertHistory(AlertHistory.storeKey(AlertKind.ERROR, "v1-d"))).isNull();
    }

    @Test
    void anUnreadableDecisionIsLeftOutAndTheNextOneIsStillKept() {
        topology.delivery("v1-e", "{not json".getBytes(StandardCharsets.UTF_8), T0);
        topology.delivery("v1-e", "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8), T0);
        decide(error("v1-e", 1), DeliveryState.WAITING, null, 0);

        assertThat(topology.alertHistory(AlertHistory.storeKey(AlertKind.ERROR, "v1-e")).alerts()).hasSize(1);
    }
}
