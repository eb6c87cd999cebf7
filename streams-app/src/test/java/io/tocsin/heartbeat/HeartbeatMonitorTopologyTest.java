package io.tocsin.heartbeat;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.topology.Events;
import io.tocsin.topology.TopologyFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatMonitorTopologyTest {

    private static final Duration TICK = Duration.ofMillis(250);

    private static final Map<String, String> SETTINGS = Map.of("heartbeat.timeout", "10s", "heartbeat.check-interval", "250ms",
            "heartbeat.group.min", "3", "heartbeat.group.wait", "1s", "heartbeat.flap.count", "3", "heartbeat.flap.window", "10m",
            "heartbeat.retention", "1h", "heartbeat.timeout.slow", "30s");
    private final TopologyFixture topology = new TopologyFixture(SETTINGS);
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
    void shouldReportTheServiceBackOnceAllAreBackEvenIfOneWentDownAgainInBetween() {
        for (String i : List.of("chat-1", "chat-2", "chat-3")) {
            beat(i, "UP");
        }
        wait(Duration.ofSeconds(12)); // SERVICE_DOWN
        beat("chat-1", "UP");
        wait(Duration.ofSeconds(12)); // chat-1 back, then down again on its own
        beat("chat-2", "UP");
        beat("chat-3", "UP");

        assertThat(topology.alerts()).extracting(Alert::kind, Alert::instance).containsExactly(
                tuple(AlertKind.SERVICE_DOWN, null),
                tuple(AlertKind.INSTANCE_DOWN, "chat-1"),
                tuple(AlertKind.SERVICE_UP, null));
    }

    @Test
    void shouldGiveNoVerdictUntilTheInputHasCaughtUp() {
        AtomicBoolean caughtUp = new AtomicBoolean(false);
        try (TopologyFixture lagging = new TopologyFixture(Map.of("heartbeat.timeout", "10s"), partition -> caughtUp.get())) {
            lagging.heartbeat(Events.heartbeat("chat", "chat-1", T0, 3000, "UP"), T0);
            lagging.advanceWallClock(Duration.ofSeconds(30), TICK);
            assertThat(lagging.alerts()).as("silence while behind on input is no evidence").isEmpty();
            assertThat(lagging.metric("heartbeat-verdicts-held-seconds")).as("how long verdicts have been held").isBetween(29.0, 30.0);

            caughtUp.set(true);
            lagging.advanceWallClock(Duration.ofSeconds(2), TICK);
            assertThat(lagging.alerts()).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN);
            assertThat(lagging.metric("heartbeat-verdicts-held-seconds")).isZero();
        }
    }

    @Test
    void aTaskThatStartsOnOldStateGivesEveryInstanceAFullTimeoutBeforeJudgingIt() {
        beat("chat-1", "UP");
        wait(Duration.ofSeconds(2));
        java.nio.file.Path state = topology.stopAndCopyState();
        // the task starts again a minute later (a restart, or a peer's partition taken over): the last heartbeat on
        // record is long past the timeout, but the heartbeats since may still be on their way
        Instant restart = T0.plusSeconds(60);
        try (TopologyFixture restarted = new TopologyFixture(SETTINGS, state, restart)) {
            restarted.advanceWallClock(Duration.ofSeconds(9), TICK);
            assertThat(restarted.alerts()).as("no verdict within a timeout of the start").isEmpty();
            restarted.heartbeat(Events.heartbeat("chat", "chat-2", restart.plusSeconds(9), 3000, "UP"), restart.plusSeconds(9));
            restarted.advanceWallClock(Duration.ofSeconds(2), TICK);
            assertThat(restarted.alerts()).extracting(Alert::kind, Alert::instance)
                    .containsExactly(tuple(AlertKind.INSTANCE_DOWN, "chat-1"));
        }
    }

    @Test
    void silenceWhileKafkaWasUnreachableIsNotCountedAgainstAnInstance() {
        java.util.concurrent.atomic.AtomicLong reachableAgainAt = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
        InputReadiness readiness = new InputReadiness() {
            @Override
            public boolean caughtUp(int partition) {
                return true;
            }

            @Override
            public long unobservedUntil() {
                return reachableAgainAt.get();
            }
        };
        try (TopologyFixture monitor = new TopologyFixture(Map.of("heartbeat.timeout", "10s"), readiness)) {
            monitor.heartbeat(Events.heartbeat("chat", "chat-1", T0, 3000, "UP"), T0);
            monitor.advanceWallClock(Duration.ofSeconds(8), TICK);
            reachableAgainAt.set(T0.plusSeconds(8).toEpochMilli()); // the broker was away; back now

            monitor.advanceWallClock(Duration.ofSeconds(9), TICK);
            assertThat(monitor.alerts()).as("17 s of silence, but only 9 s of it observable").isEmpty();
            monitor.advanceWallClock(Duration.ofSeconds(2), TICK);
            assertThat(monitor.alerts()).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN);
        }
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
    void shouldPublishALoadOnlyRefreshOncePerRefreshIntervalAndEveryOtherChangeAtOnce() {
        try (TopologyFixture t = new TopologyFixture(Map.of("heartbeat.timeout", "10s", "heartbeat.registry.refresh", "10s"))) {
            for (int i = 0; i <= 6; i++) { // beats at 0, 3, ..., 18 s: new at 0, then the first 10 s after it, at 12
                Instant at = T0.plusSeconds(3L * i);
                t.heartbeat(Events.heartbeat("chat", "chat-1", at, 3000, "UP"), at);
            }
            assertThat(t.registry()).extracting(r -> r.timestamp()).containsExactly(
                    T0.toEpochMilli(), T0.plusSeconds(12).toEpochMilli());

            Instant stop = T0.plusSeconds(19);
            t.heartbeat(Events.heartbeat("chat", "chat-1", stop, 3000, "STOPPING"), stop);

            assertThat(t.registry()).singleElement().satisfies(r -> assertThat(r.value()).contains("\"status\":\"STOPPED\""));
        }
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
    void shouldReportSilenceWhenEveryServiceIsSilentAtOnce() {
        for (String service : List.of("chat", "orders", "billing", "search")) {
            topology.heartbeat(Events.heartbeat(service, service + "-1", now, 3000, "UP"), now);
        }
        wait(Duration.ofSeconds(12));

        assertThat(topology.alerts()).extracting(Alert::kind, Alert::service).containsExactlyInAnyOrder(
                tuple(AlertKind.INSTANCE_DOWN, "chat"), tuple(AlertKind.INSTANCE_DOWN, "orders"),
                tuple(AlertKind.INSTANCE_DOWN, "billing"), tuple(AlertKind.INSTANCE_DOWN, "search"));
    }

    @Test
    void shouldGroupAMassOutageIntoOneServiceDownAndOneServiceUp() {
        for (int i = 1; i <= 5; i++) {
            beat("chat-" + i, "UP");
        }
        wait(Duration.ofSeconds(15));

        List<Alert> down = topology.alerts();
        assertThat(down).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(AlertKind.SERVICE_DOWN);
            assertThat(a.title()).contains("5 instances down");
            assertThat(a.text()).contains("chat-1").contains("chat-5");
        });

        for (int i = 1; i <= 4; i++) {
            beat("chat-" + i, "UP");
        }
        assertThat(topology.alerts()).as("no summary while one is still down").isEmpty();
        beat("chat-5", "UP");

        assertThat(topology.alerts()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(AlertKind.SERVICE_UP);
            assertThat(a.text()).contains("chat-1").contains("chat-5");
        });
    }

    @Test
    void shouldReportFewerThanTheGroupMinimumOneByOne() {
        beat("chat-1", "UP");
        beat("chat-2", "UP");
        beat("chat-3", "UP");
        wait(Duration.ofSeconds(5));
        beat("chat-3", "UP"); // chat-3 keeps going
        wait(Duration.ofSeconds(7));

        assertThat(topology.alerts()).extracting(Alert::kind, Alert::instance).containsExactlyInAnyOrder(
                tuple(AlertKind.INSTANCE_DOWN, "chat-1"), tuple(AlertKind.INSTANCE_DOWN, "chat-2"));
    }

    @Test
    void shouldReportFlappingOnceInsteadOfAStorm() {
        for (int outage = 0; outage < 8; outage++) {
            beat("chat-1", "UP");
            wait(Duration.ofSeconds(12)); // down
        }
        beat("chat-1", "UP");

        List<Alert> alerts = topology.alerts();
        assertThat(alerts).filteredOn(a -> a.kind() == AlertKind.INSTANCE_FLAPPING).hasSize(1);
        assertThat(alerts).filteredOn(a -> a.kind() == AlertKind.INSTANCE_DOWN).hasSize(3);
        assertThat(alerts).filteredOn(a -> a.kind() == AlertKind.INSTANCE_UP).hasSize(3);

        wait(Duration.ofMinutes(11)); // stable for a whole window: a real outage again
        assertThat(topology.alerts()).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN);
    }

    @Test
    void shouldCountTheDownsOfAFlappingInstanceAsSuppressed() {
        for (int outage = 0; outage < 8; outage++) {
            beat("chat-1", "UP");
            wait(Duration.ofSeconds(12)); // down
        }

        // 3 reported down, the 4th reported as flapping, the next 4 kept quiet
        assertThat(topology.metric("alerts-suppressed-total", "kind", "INSTANCE_DOWN")).isEqualTo(4);
    }

    @Test
    void shouldKeepTheInstancesByStatusAcrossChangesRestartsAndRetention() {
        beat("chat-1", "UP");
        beat("chat-2", "UP");
        beat("chat-3", "UP");
        beat("chat-3", "STOPPING");
        assertThat(statuses()).containsExactly(2.0, 0.0, 1.0);

        wait(Duration.ofSeconds(12));
        assertThat(statuses()).containsExactly(0.0, 2.0, 1.0);

        java.nio.file.Path state = topology.stopAndCopyState();
        try (TopologyFixture restarted = new TopologyFixture(SETTINGS, state, now)) {
            assertThat(statuses(restarted)).as("counted from the store at start").containsExactly(0.0, 2.0, 1.0);
            restarted.heartbeat(Events.heartbeat("chat", "chat-1", now, 3000, "UP"), now);
            assertThat(statuses(restarted)).containsExactly(1.0, 1.0, 1.0);

            restarted.advanceWallClock(Duration.ofMinutes(65), Duration.ofSeconds(1));
            assertThat(statuses(restarted)).as("all forgotten after the retention").containsExactly(0.0, 0.0, 0.0);
        }
    }

    private List<Double> statuses() {
        return statuses(topology);
    }

    private static List<Double> statuses(TopologyFixture fixture) {
        return List.of(fixture.metric("instances", "status", "UP"), fixture.metric("instances", "status", "DOWN"),
                fixture.metric("instances", "status", "STOPPED"));
    }

    @Test
    void shouldSayInTheDownAlertWhyTheProbeFailed() {
        topology.heartbeat(Events.heartbeat("site", "probe:http://site/health", now, 1000, "UP"), now);
        wait(Duration.ofSeconds(2));
        topology.error(Events.exception("site", "io.tocsin.probe.HealthCheckFailed", "HTTP 503 from http://site/health", now, "p1")
                .replace("\"instance\":\"site-1\"", "\"instance\":\"probe:http://site/health\"")
                .replace("RUNTIME", "PROBE"), now);
        wait(Duration.ofSeconds(10));

        assertThat(topology.alerts()).filteredOn(a -> a.kind() == AlertKind.INSTANCE_DOWN).singleElement()
                .satisfies(a -> assertThat(a.text()).contains("HTTP 503 from http://site/health"));
    }

    @Test
    void shouldAlertAFailedHealthCheckOnceAsAnOutageNotAlsoAsAnError() {
        topology.heartbeat(Events.heartbeat("site", "probe:http://site/health", now, 1000, "UP"), now);
        wait(Duration.ofSeconds(2));
        for (int i = 0; i < 3; i++) {
            topology.error(Events.exception("site", "io.tocsin.probe.HealthCheckFailed", "HTTP 503 from http://site/health", now, "p" + i)
                    .replace("\"instance\":\"site-1\"", "\"instance\":\"probe:http://site/health\"")
                    .replace("RUNTIME", "PROBE"), now);
        }
        wait(Duration.ofSeconds(10));

        assertThat(topology.alerts()).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN);
    }

    @Test
    void shouldScrubSecretsFromAProbeFailureBeforeItIsStoredOrAlerted() {
        String url = "https://admin:hunter2@site/health?token=s3cr3t";
        topology.heartbeat(Events.heartbeat("site", "probe:site", now, 1000, "UP"), now);
        wait(Duration.ofSeconds(2));
        topology.error(Events.exception("site", "io.tocsin.probe.HealthCheckFailed", "HTTP 401 from " + url, now, "p1")
                .replace("\"instance\":\"site-1\"", "\"instance\":\"probe:site\"")
                .replace("RUNTIME", "PROBE"), now);
        wait(Duration.ofSeconds(10));

        assertThat(topology.alerts()).filteredOn(a -> a.kind() == AlertKind.INSTANCE_DOWN).singleElement()
                .satisfies(a -> assertThat(a.text()).contains("HTTP 401 from").doesNotContain("hunter2").doesNotContain("s3cr3t"));
        assertThat(topology.registry()).allSatisfy(r -> assertThat(String.valueOf(r.value()))
                .doesNotContain("hunter2").doesNotContain("s3cr3t"));
    }

    @Test
    void shouldHonourAServicesOwnTimeout() {
        topology.heartbeat(Events.heartbeat("slow", "slow-1", now, 1000, "UP"), now);
        wait(Duration.ofSeconds(20));
        assertThat(topology.alerts()).isEmpty();

        wait(Duration.ofSeconds(12));
        assertThat(topology.alerts()).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN);
    }

    @Test
    void shouldDropAnInstanceThatNeverComesBackAfterTheRetention() {
        beat("chat-1", "UP");
        wait(Duration.ofSeconds(12));
        topology.registry();

        wait(Duration.ofMinutes(61));

        assertThat(topology.alerts()).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN);
        assertThat(topology.registry()).last().satisfies(r -> assertThat(r.value()).isNull());
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
