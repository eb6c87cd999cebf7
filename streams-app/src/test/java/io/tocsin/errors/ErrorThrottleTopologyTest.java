package io.tocsin.errors;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.topology.Events;
import io.tocsin.topology.InputParser;
import io.tocsin.topology.TopologyFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ErrorThrottleTopologyTest {

    private final TopologyFixture topology = new TopologyFixture(Map.of("error.alert.limit", "5", "error.alert.window", "1h"));

    @AfterEach
    void close() {
        topology.close();
    }

    private void occurrence(int n, Instant at) {
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "order " + n + " not found", at, "id-" + at + "-" + n), at);
    }

    @Test
    void shouldAlertAtMostFiveTimesPerWindow() {
        for (int i = 0; i < 7; i++) {
            occurrence(100 + i, T0.plusSeconds(i));
        }

        List<Alert> alerts = topology.alerts();
        assertThat(alerts).hasSize(5).allSatisfy(a -> {
            assertThat(a.kind()).isEqualTo(AlertKind.ERROR);
            assertThat(a.limit()).isEqualTo(5);
            assertThat(a.windowStart()).isEqualTo(T0);
            assertThat(a.windowEnd()).isEqualTo(T0.plus(Duration.ofHours(1)));
        });
        assertThat(alerts).extracting(Alert::occurrence).containsExactly(1, 2, 3, 4, 5);
        assertThat(alerts).extracting(Alert::id).doesNotHaveDuplicates();
        assertThat(alerts).extracting(Alert::key).containsOnly(alerts.get(0).key());
    }

    @Test
    void shouldAlertAgainOnceTheWindowHasPassed() {
        for (int i = 0; i < 7; i++) {
            occurrence(i, T0.plusSeconds(i));
        }
        topology.alerts();

        occurrence(8, T0.plus(Duration.ofHours(1)).plusSeconds(1)); // opens window [T0+1h+1s, T0+2h+1s)

        List<Alert> again = topology.alerts();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).occurrence()).isEqualTo(1);
        assertThat(again.get(0).windowStart()).isEqualTo(T0.plus(Duration.ofHours(1)).plusSeconds(1));
    }

    @Test
    void shouldGiveTheSameAlertIdsForTheSameInput() {
        for (int i = 0; i < 3; i++) {
            occurrence(i, T0.plusSeconds(i));
        }
        List<String> first = topology.alerts().stream().map(Alert::id).toList();

        try (TopologyFixture again = new TopologyFixture(Map.of())) {
            for (int i = 0; i < 3; i++) {
                again.error(Events.exception("orders", "java.lang.IllegalStateException", "order " + i + " not found",
                        T0.plusSeconds(i), "other-id-" + i), T0.plusSeconds(i));
            }
            assertThat(again.alerts()).extracting(Alert::id).containsExactlyElementsOf(first);
        }
    }

    @Test
    void shouldKeepDistinctBugsApart() {
        occurrence(1, T0);
        topology.error(Events.exception("orders", "java.lang.NullPointerException", "x", T0, "npe"), T0);

        assertThat(topology.alerts()).extracting(Alert::key).doesNotHaveDuplicates().hasSize(2);
    }

    @Test
    void shouldSendMalformedEventsToDeadLettersWithAReasonAndGoOn() {
        topology.error("{not json", T0);
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "m", T0, "x").replace("\"service\":\"orders\",", ""), T0);
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "m", T0, "y").replace(T0.toString(), "yesterday"), T0);
        occurrence(1, T0);

        List<TestRecord<String, String>> dead = topology.deadLetters();
        assertThat(dead).hasSize(3);
        assertThat(dead).extracting(r -> new String(r.headers().lastHeader(InputParser.REASON_HEADER).value(), StandardCharsets.UTF_8))
                .satisfiesExactly(
                        r -> assertThat(r).startsWith("not valid JSON"),
                        r -> assertThat(r).contains("'service'"),
                        r -> assertThat(r).contains("'timestamp'"));
        assertThat(dead.get(0).value()).isEqualTo("{not json");
        assertThat(topology.alerts()).hasSize(1);
    }

    @Test
    void shouldClampAnEventTimeFarAheadOfItsRecordTimeToTheRecordTime() {
        Instant skewed = T0.plus(Duration.ofDays(2));
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "m", skewed, "skew"), T0);

        assertThat(topology.alerts()).singleElement().satisfies(a -> {
            assertThat(a.timestamp()).isEqualTo(T0);
            assertThat(a.windowStart()).isEqualTo(T0);
        });
    }
}
