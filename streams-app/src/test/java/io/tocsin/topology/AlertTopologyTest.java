package io.tocsin.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tocsin.config.AppConfig;
import java.util.Map;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

class AlertTopologyTest {

    private final Topology topology = AlertTopology.build(AppConfig.fromMap(Map.of("application.id", "acme-tocsin")), partition -> true);

    @Test
    void theMonitorsInputTopicComesFromTheTopologyWithTheApplicationIdKafkaStreamsPutsBeforeIt() {
        assertThat(AlertTopology.inputTopicOf(topology, StoreNames.HEARTBEAT_MONITOR, "acme-tocsin"))
                .isEqualTo("acme-tocsin-" + StoreNames.HEARTBEATS_BY_SERVICE + "-repartition");
    }

    @Test
    void anUnknownProcessorIsAnError() {
        assertThatThrownBy(() -> AlertTopology.inputTopicOf(topology, "no-such-step", "acme-tocsin"))
                .hasMessageContaining("no-such-step");
    }
}
