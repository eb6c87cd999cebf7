package io.tocsin.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tocsin.config.AppConfig;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class AlertTopologyTest {

    private final Topology topology = AlertTopology.build(AppConfig.fromMap(Map.of("application.id", "acme-tocsin")), partition -> true);

    @Test
    void theMonitorsInputTopicComesFromTheTopologyWithTheApplicationIdKafkaStreamsPutsBeforeIt() {
        assertThat(AlertTopology.inputTopicOf(topology, StoreNames.HEARTBEAT_MONITOR, "acme-tocsin"))
                .isEqualTo("acme-tocsin-" + StoreNames.HEARTBEATS_BY_SERVICE + "-repartition");
    }

    @Test
    void errorEventsAndHeartbeatsMeetInNoSubTopology() {
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            Set<String> nodes = sub.nodes().stream().map(TopologyDescription.Node::name).collect(Collectors.toSet());
            if (nodes.contains("errors-source")) {
                assertThat(nodes).as("the error input's sub-topology").doesNotContain("heartbeats-source", StoreNames.HEARTBEAT_MONITOR);
            }
            if (nodes.contains(StoreNames.HEARTBEAT_MONITOR)) {
                assertThat(nodes).as("the monitor's sub-topology").doesNotContain("errors-source", "error-throttle");
            }
        }
    }

    @Test
    void anEventTimeNoKafkaTimestampCanCarryIsTheRecordTime() {
        long recordTime = Instant.parse("2026-11-24T08:00:00Z").toEpochMilli();
        long maxFuture = Duration.ofMinutes(5).toMillis();

        assertThat(AlertTopology.eventTime(stampedAt(Instant.parse("1969-12-31T23:59:59.999Z")), recordTime, maxFuture)).isEqualTo(recordTime);
        assertThat(AlertTopology.eventTime(stampedAt(Instant.MAX), recordTime, maxFuture)).isEqualTo(recordTime);
        assertThat(AlertTopology.eventTime(stampedAt(Instant.EPOCH), recordTime, maxFuture)).isZero();
        assertThat(AlertTopology.eventTime(stampedAt(Instant.ofEpochMilli(recordTime - 1)), recordTime, maxFuture)).isEqualTo(recordTime - 1);
    }

    private static ExceptionEvent stampedAt(Instant at) {
        return new ExceptionEvent(ExceptionEvent.TYPE, 1, "id", at, "orders", "orders-1", "prod", null,
                new ExceptionInfo("E", null, List.of(), null), null, null, null, 1);
    }

    @Test
    void anUnknownProcessorIsAnError() {
        assertThatThrownBy(() -> AlertTopology.inputTopicOf(topology, "no-such-step", "acme-tocsin"))
                .hasMessageContaining("no-such-step");
    }
}
