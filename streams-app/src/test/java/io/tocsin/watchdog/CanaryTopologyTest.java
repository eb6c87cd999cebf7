package io.tocsin.watchdog;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.Canary;
import io.tocsin.model.EventCodec;
import io.tocsin.topology.StoreNames;
import io.tocsin.topology.TopologyFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CanaryTopologyTest {

    private final EventCodec codec = new EventCodec();
    private final TopologyFixture topology = new TopologyFixture(Map.of("error.alert.limit", "1", "heartbeat.timeout", "2s"));

    @AfterEach
    void close() {
        topology.close();
    }

    @Test
    void aCanaryExceptionComesOutAsOneCanaryAlertKeyedByTheCanaryAndLeavesNoErrorGroup() {
        Instant sent = T0.plusSeconds(1);
        topology.error(codec.writeString(Canary.exception("app-1-0", sent)), sent);

        TestRecord<String, String> out = topology.alertRecords().get(0);
        Alert alert = readAlert(out);
        assertThat(out.key()).isEqualTo("tocsin-canary/app-1-0");
        assertThat(alert).isEqualTo(Canary.alert(Canary.Part.EXCEPTION, "app-1-0", sent));
        assertThat(alert.route()).isEqualTo(Canary.ROUTE);
        assertThat(topology.storeKeys(StoreNames.ERRORS.groups())).isEmpty();
        assertThat(topology.errorGroups()).isEmpty();
    }

    @Test
    void canariesAreNeverThrottledEvenPastTheAlertLimit() {
        for (int i = 0; i < 5; i++) {
            Instant sent = T0.plusSeconds(60L * i);
            topology.error(codec.writeString(Canary.exception("app-1-0", sent)), sent);
        }

        assertThat(topology.alerts()).hasSize(5).allSatisfy(a -> assertThat(a.kind()).isEqualTo(AlertKind.CANARY));
    }

    @Test
    void aCanaryHeartbeatComesOutAsOneCanaryAlertAndTheCanaryIsNeverRegisteredNorReportedDown() {
        Instant sent = T0.plusSeconds(1);
        topology.heartbeat(codec.writeString(Canary.heartbeat("app-1-0", sent, 60_000)), sent);

        TestRecord<String, String> out = topology.alertRecords().get(0);
        assertThat(out.key()).isEqualTo("tocsin-canary/app-1-0");
        assertThat(readAlert(out)).isEqualTo(Canary.alert(Canary.Part.HEARTBEAT, "app-1-0", sent));
        topology.advanceWallClock(Duration.ofSeconds(10), Duration.ofMillis(500));
        assertThat(topology.alerts()).isEmpty();
        assertThat(topology.storeKeys(StoreNames.INSTANCES)).isEmpty();
        assertThat(topology.registry()).isEmpty();
    }

    @Test
    void aSilenceOfEverythingLeavesCanariesAlone() {
        topology.silence("s-1", """
                {"id":"s-1","matchers":{"fields":{"service":["tocsin-canary"]}},"startsAt":"%s","endsAt":"%s","createdBy":"ops","comment":"all"}
                """.formatted(T0.minusSeconds(60), T0.plus(Duration.ofHours(1))));
        topology.error(codec.writeString(Canary.exception("app-1-0", T0)), T0);

        assertThat(topology.alerts()).singleElement().satisfies(a -> assertThat(a.silenced()).isFalse());
    }

    private Alert readAlert(TestRecord<String, String> record) {
        try {
            return codec.parseAlert(record.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
