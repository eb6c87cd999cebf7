package io.tocsin.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/**
 * A record the error handlers set aside (a step failed on it) is counted by Kafka Streams' own task-level
 * {@code dropped-records}, which the README and the dashboard name for it: Tocsin adds no counter of its own there.
 */
class HandlerDeadLettersMetricTest {

    @Test
    void shouldCountARecordAFailingStepSetAsideInDroppedRecords() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> {
                    if (v.equals("poison")) {
                        throw new IllegalStateException("a bug meets a record");
                    }
                    return v;
                })
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "handler-metric-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RecordFailureHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dead");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            in.pipeInput("k", "fine");
            in.pipeInput("k", "poison");

            double dropped = driver.metrics().entrySet().stream()
                    .filter(m -> m.getKey().name().equals("dropped-records-total") && m.getKey().group().equals("stream-task-metrics"))
                    .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue()).sum();
            assertThat(dropped).isEqualTo(1);
            assertThat(driver.createOutputTopic("dead", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer())
                    .getQueueSize()).isEqualTo(1);
        }
    }
}
