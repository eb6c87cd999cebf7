package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private static final HostInfo SELF = new HostInfo("127.0.0.1", 8080);

    @Test
    void aDeadMembersPartitionsMoveWithinTenSecondsForTheTopologyAndTheNotifier() {
        AppConfig config = AppConfig.fromMap(Map.of());
        assertThat(KafkaClients.streams(config, SELF).get("consumer.session.timeout.ms")).isEqualTo(10_000);
        assertThat(KafkaClients.notifierConsumer(config).get("session.timeout.ms")).isEqualTo(10_000);
    }

    @Test
    void aKafkaPassThroughKeyOverridesWhatTocsinSets() {
        AppConfig config = AppConfig.fromMap(Map.of("kafka.consumer.session.timeout.ms", "45000",
                "kafka.session.timeout.ms", "30000"));
        Properties streams = KafkaClients.streams(config, SELF);
        assertThat(streams.get("consumer.session.timeout.ms")).isEqualTo("45000");
        assertThat(KafkaClients.notifierConsumer(config).get("session.timeout.ms")).isEqualTo("30000");
    }
}
