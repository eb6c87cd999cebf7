package io.tocsin.heartbeat;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.topology.Events;
import io.tocsin.topology.TopologyFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatMonitorTopologyTest {

    private static final Duration TICK = Duration.ofMillis(250);

    private final TopologyFixture topology = new TopologyFixture(Map.of("heartbeat.timeout", "10s", "heartbeat.check-interval", "250ms"));
    private Instant now = T0;

    @AfterEach
    void close() {
        topology.close();
    }

    private void beat(String instance, String status) {
        topology.heartbeat(Events.heartbeat("chat", instance, now, 3000, status), now);
    }

    private void wait(Duration d) {
        topology.advanceWallClock(d, TICK);
        now = now.plus(d);
    }

    @Test
    void shouldReportInstanceDownOnceAfterTheTimeout() {
        beat("chat-1", "UP");

        wait(Duration.ofSeconds(9));
        assertThat(topology.alerts()).isEmpty();

        wait(Duration.ofSeconds(2)); // 11 s of silence > 10 s timeout
        wait(Duration.ofSeconds(30)); // and it stays one alert
        List<Alert> alerts = topology.alerts();
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(AlertKind.INSTANCE_DOWN);
            assertThat(a.instance()).isEqualTo("chat-1");
            assertThat(a.service()).isEqualTo("chat");
            assertThat(a.timestamp()).isEqualTo(T0.plusSeconds(10));
        });
    }

    @Test
    void shouldStayQuietWhileHeartbeatsKeepComing() {
        for (int i = 0; i < 20; i++) {
            beat("chat-1", "UP");
            wait(Duration.ofSeconds(3));
        }

        assertThat(topology.alerts()).isEmpty();
    }

    @Test
    void shouldReportBackUpWithHowLongItWasDown() {
        beat("chat-1", "UP");
        wait(Duration.ofSeconds(40));
        beat("chat-1", "UP");

        List<Alert> alerts = topology.alerts();
        assertThat(alerts).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN, AlertKind.INSTANCE_UP);
        assertThat(alerts.get(1).text()).contains("after 40s");
        assertThat(alerts.get(1).id()).isNotEqualTo(alerts.get(0).id());
    }

    @Test
    void shouldDeregisterWithoutAlertOnStopping() {
        beat("chat-1", "UP");
        wait(Duration.ofSeconds(2));
        beat("chat-1", "STOPPING");
        wait(Duration.ofSeconds(60));

        assertThat(topology.alerts()).isEmpty();
        assertThat(topology.registry()).last().satisfies(r -> assertThat(r.value()).contains("\"status\":\"STOPPED\""));
    }

    @Test
    void shouldReportEveryInstanceWhenAllAreSilentAtOnce() {
        for (int i = 1; i <= 5; i++) {
            beat("chat-" + i, "UP");
        }
        wait(Duration.ofSeconds(12));

        assertThat(topology.alerts()).extracting(Alert::instance)
                .containsExactlyInAnyOrder("chat-1", "chat-2", "chat-3", "chat-4", "chat-5");
    }

    @Test
    void shouldUseTwiceTheIntervalPlusOneSecondWhenLongerThanTheTimeout() {
        topology.heartbeat(Events.heartbeat("probe", "probe:http://x", now, 60_000, "UP"), now);

        wait(Duration.ofSeconds(60));
        assertThat(topology.alerts()).isEmpty();

        wait(Duration.ofSeconds(62)); // 122 s > 2 × 60 s + 1 s
        assertThat(topology.alerts()).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN);
    }
}
