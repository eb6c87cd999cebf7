package io.tocsin.routing;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.topology.Events;
import io.tocsin.topology.StoreNames;
import io.tocsin.topology.TopologyFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertRouterTopologyTest {

    private static final Duration TICK = Duration.ofMillis(250);

    private final TopologyFixture topology = new TopologyFixture(Map.ofEntries(
            Map.entry("heartbeat.timeout", "5s"),
            Map.entry("routes", "oncall"),
            Map.entry("route.oncall.match.environment", "prod"),
            Map.entry("route.oncall.match.kind", "instance_down,SERVICE_DOWN"),
            Map.entry("route.oncall.webhook.url", "http://127.0.0.1:1/oncall"),
            Map.entry("route.oncall.mention", "<!subteam^S0123>"),
            Map.entry("maintenance.nightly.match.service", "shop"),
            Map.entry("maintenance.nightly.time", "03:00-09:00"),
            Map.entry("maintenance.nightly.zone", "Asia/Seoul"),
            Map.entry("inhibit.database.source", "db"),
            Map.entry("inhibit.database.targets", "orders,billing")));
    private Instant now = T0; // 08:00Z = 17:00 in Seoul

    @AfterEach
    void close() {
        topology.close();
    }

    private void beat(String service, String instance) {
        topology.heartbeat(Events.heartbeat(service, instance, now, 1000, "UP"), now);
    }

    private void wait(Duration d) {
        topology.advanceWallClock(d, TICK);
        now = now.plus(d);
    }

    private void error(String service, String id) {
        topology.error(Events.exception(service, "java.lang.IllegalStateException", "boom", now, id), now);
    }

    @Test
    void shouldRouteToTheFirstMatchingRouteAndDefaultLast() {
        error("orders", "e1");
        beat("chat", "chat-1");
        wait(Duration.ofSeconds(7));

        assertThat(topology.alerts()).extracting(Alert::kind, Alert::route).containsExactly(
                org.assertj.core.groups.Tuple.tuple(AlertKind.ERROR, "default"),
                org.assertj.core.groups.Tuple.tuple(AlertKind.INSTANCE_DOWN, "oncall"));
    }

    @Test
    void shouldRecordSilencedAlertsMarkedWithTheSilence() {
        topology.silence("s-1", silence("s-1", "orders", T0.minusSeconds(60), T0.plus(Duration.ofHours(1))));
        error("orders", "e1");
        error("billing", "e2");

        List<Alert> alerts = topology.alerts();
        assertThat(alerts).filteredOn(a -> a.service().equals("orders")).singleElement().satisfies(a -> {
            assertThat(a.silenced()).isTrue();
            assertThat(a.silencedBy()).isEqualTo("silence:s-1");
        });
        assertThat(alerts).filteredOn(a -> a.service().equals("billing")).singleElement()
                .satisfies(a -> assertThat(a.silenced()).isFalse());
    }

    @Test
    void shouldStopSilencingWhenTheSilenceIsDeletedOrOver() {
        topology.silence("s-1", silence("s-1", "orders", T0.minusSeconds(60), T0.plus(Duration.ofHours(1))));
        topology.silence("s-1", null); // DELETE /api/silences/s-1
        error("orders", "e1");

        assertThat(topology.alerts()).singleElement().satisfies(a -> assertThat(a.silenced()).isFalse());
    }

    @Test
    void shouldCountAlertsByKindAndTheSilencedByReasonNeverById() {
        topology.silence("s-1", silence("s-1", "orders", T0.minusSeconds(60), T0.plus(Duration.ofHours(1))));
        error("orders", "e1");
        error("billing", "e2");
        beat("chat", "chat-1");
        wait(Duration.ofSeconds(7));
        now = Instant.parse("2026-11-24T19:30:00Z"); // 04:30 in Seoul: in the shop's maintenance window
        error("shop", "in-window");

        assertThat(topology.metric("alerts-total", "kind", "ERROR")).isEqualTo(3);
        assertThat(topology.metric("alerts-total", "kind", "INSTANCE_DOWN")).isEqualTo(1);
        assertThat(topology.metric("alerts-silenced-total", "kind", "ERROR", "reason", "silence")).isEqualTo(1);
        assertThat(topology.metric("alerts-silenced-total", "kind", "ERROR", "reason", "maintenance")).isEqualTo(1);
        assertThat(topology.metric("alerts-silenced-total")).isEqualTo(2);
        assertThat(topology.metricTagValues("reason")).doesNotContain("s-1", "nightly");
    }

    @Test
    void shouldCountAlertsHeldBackByAnInhibitionAsSilenced() {
        for (int i = 1; i <= 3; i++) {
            beat("db", "db-" + i);
        }
        wait(Duration.ofSeconds(7)); // SERVICE_DOWN db
        error("orders", "dependent");

        assertThat(topology.metric("alerts-total", "kind", "SERVICE_DOWN")).isEqualTo(1);
        assertThat(topology.metric("alerts-silenced-total", "kind", "ERROR", "reason", "inhibition")).isEqualTo(1);
    }

    @Test
    void shouldHoldAlertsInARecurringMaintenanceWindowInItsTimeZone() {
        now = Instant.parse("2026-11-24T19:30:00Z"); // 04:30 in Seoul: inside 03:00-09:00
        error("shop", "in-window");
        now = Instant.parse("2026-11-25T01:00:00Z"); // 10:00 in Seoul the next day: outside
        error("shop", "outside");

        assertThat(topology.alerts()).extracting(Alert::silencedBy).containsExactly("maintenance:nightly", null);
    }

    @Test
    void shouldPostARecoveryOfAPostedOutageEvenWhenASilenceBeganInBetween() {
        beat("chat", "chat-1");
        wait(Duration.ofSeconds(7)); // down, posted
        topology.silence("s-2", silence("s-2", "chat", now.minusSeconds(1), now.plus(Duration.ofHours(1))));
        beat("chat", "chat-1");

        assertThat(topology.alerts()).extracting(Alert::kind, Alert::silenced).containsExactly(
                org.assertj.core.groups.Tuple.tuple(AlertKind.INSTANCE_DOWN, false),
                org.assertj.core.groups.Tuple.tuple(AlertKind.INSTANCE_UP, false));
    }

    @Test
    void shouldHoldBackDependentsWhileTheirRootIsDownAndListThemInItsRecovery() {
        for (int i = 1; i <= 3; i++) {
            beat("db", "db-" + i);
        }
        wait(Duration.ofSeconds(7)); // SERVICE_DOWN db
        error("orders", "dependent");
        for (int i = 1; i <= 3; i++) {
            beat("db", "db-" + i);
        }

        List<Alert> alerts = topology.alerts();
        Alert down = alerts.get(0);
        assertThat(down.kind()).isEqualTo(AlertKind.SERVICE_DOWN);
        assertThat(alerts.get(1)).satisfies(a -> {
            assertThat(a.service()).isEqualTo("orders");
            assertThat(a.silencedBy()).isEqualTo("inhibited:" + down.id());
        });
        assertThat(alerts.get(2)).satisfies(a -> {
            assertThat(a.kind()).isEqualTo(AlertKind.SERVICE_UP);
            assertThat(a.text()).contains("Held back while it was down (1)").contains("orders");
        });
    }

    @Test
    void shouldStopHoldingDependentsBackOnceTheRootOutageOutlastsItsBound() {
        for (int i = 1; i <= 3; i++) {
            beat("db", "db-" + i);
        }
        wait(Duration.ofSeconds(7)); // SERVICE_DOWN db, and its pods are replaced under new names: no SERVICE_UP comes
        error("orders", "held");
        now = now.plus(InhibitRule.DEFAULT_MAX_DURATION).plusSeconds(1);
        error("billing", "after-the-bound");

        List<Alert> alerts = topology.alerts();
        assertThat(alerts).extracting(Alert::service, Alert::silenced).containsExactly(
                org.assertj.core.groups.Tuple.tuple("db", false),
                org.assertj.core.groups.Tuple.tuple("orders", true),
                org.assertj.core.groups.Tuple.tuple("billing", false));
        assertThat(topology.storeKeys(StoreNames.ALERT_STATES)).as("outages past the bound are forgotten")
                .doesNotContain("db").containsExactly();
    }

    @Test
    void shouldForgetAnOutageOnceItsRecoveryIsIn() {
        beat("db", "db-1");
        wait(Duration.ofSeconds(7));
        beat("db", "db-1");

        assertThat(topology.alerts()).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN, AlertKind.INSTANCE_UP);
        assertThat(topology.storeKeys(StoreNames.ALERT_STATES)).isEmpty();
    }

    private static String silence(String id, String service, Instant from, Instant until) {
        return """
                {"id":"%s","matchers":{"fields":{"service":["%s"]}},"startsAt":"%s","endsAt":"%s","createdBy":"ops","comment":"deploy"}
                """.formatted(id, service, from, until);
    }
}
