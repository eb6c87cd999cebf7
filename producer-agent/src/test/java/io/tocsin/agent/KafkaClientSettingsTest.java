package io.tocsin.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** {@code kafka.*} settings reach the agent's producers, from every config source, as in the streams app. */
class KafkaClientSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";";

    @Test
    void kafkaSettingsFromArgsSystemPropertiesAndEnvironmentReachTheAgentsProducer() {
        Properties system = new Properties();
        system.setProperty("tocsin.kafka.sasl.mechanism", "PLAIN");
        AgentConfig config = AgentConfig.load(Map.of("service", "orders", "kafka.security.protocol", "SASL_SSL"), system,
                Map.of("TOCSIN_KAFKA_SASL_JAAS_CONFIG", JAAS));

        Properties producer = ProducerSettings.agent(config);

        assertThat(producer).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", JAAS);
    }

    @Test
    void kafkaSettingsSurviveACopyOfTheConfig() {
        AgentConfig config = AgentConfig.load(Map.of("service", "orders", "kafka.security.protocol", "SSL"), new Properties(), Map.of());

        assertThat(config.withInstance("orders-2").kafka()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void theSerializersOurRecordsNeedCannotBeReplaced() {
        Properties p = ProducerSettings.withClientSettings(ProducerSettings.reliable("h:1", "c"),
                Map.of("value.serializer", StringSerializer.class.getName(), "linger.ms", "20"));

        assertThat(p.get(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)).isNotEqualTo(StringSerializer.class.getName());
        assertThat(p).containsEntry("linger.ms", "20");
    }

    @Test
    void kafkaClassNamesPointIntoTheRelocatedPackageInsideTheAgentsJar() {
        String root = ProducerSettings.kafkaRoot("io.tocsin.agent.shaded.kafka.clients.producer");

        assertThat(root).isEqualTo("io.tocsin.agent.shaded.kafka");
        assertThat(ProducerSettings.relocated(JAAS, root))
                .isEqualTo("io.tocsin.agent.shaded.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";");
        assertThat(ProducerSettings.relocated(JAAS, "org.apache.kafka")).isEqualTo(JAAS);
    }
}
