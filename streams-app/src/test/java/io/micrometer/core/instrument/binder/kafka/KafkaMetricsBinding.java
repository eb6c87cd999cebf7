package io.micrometer.core.instrument.binder.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Test access to Micrometer's Kafka binder for any metrics map (its constructor from a map is package-private): the
 * binder {@code KafkaStreamsMetrics} uses, fed from a TopologyTestDriver, with no broker.
 */
public final class KafkaMetricsBinding {

    private KafkaMetricsBinding() {
    }

    public static AutoCloseable bind(Supplier<Map<MetricName, ? extends Metric>> metrics, MeterRegistry registry) {
        KafkaMetrics binder = new KafkaMetrics(metrics);
        binder.bindTo(registry);
        return binder;
    }
}
