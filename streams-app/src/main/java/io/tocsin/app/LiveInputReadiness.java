package io.tocsin.app;

import io.tocsin.heartbeat.InputReadiness;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Caught up means this client's consumer has fetched its heartbeat partition to within {@value #MAX_LAG} records of
 * its end, by the consumer's own {@code records-lag} metric. No metric yet (before the first fetch) means not
 * caught up.
 */
final class LiveInputReadiness implements InputReadiness {

    private static final double MAX_LAG = 10;

    private final String topic;
    private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();

    LiveInputReadiness(String topic) {
        this.topic = topic;
    }

    void attach(KafkaStreams kafkaStreams) {
        streams.set(kafkaStreams);
    }

    @Override
    public boolean caughtUp(int partition) {
        KafkaStreams s = streams.get();
        if (s == null) {
            return false;
        }
        String p = String.valueOf(partition);
        String tagged = topic.replace('.', '_');
        for (Map.Entry<MetricName, ? extends Metric> m : s.metrics().entrySet()) {
            MetricName name = m.getKey();
            if ("records-lag".equals(name.name()) && p.equals(name.tags().get("partition"))
                    && (topic.equals(name.tags().get("topic")) || tagged.equals(name.tags().get("topic")))) {
                Object value = m.getValue().metricValue();
                if (value instanceof Number n && !Double.isNaN(n.doubleValue()) && n.doubleValue() <= MAX_LAG) {
                    return true;
                }
            }
        }
        return false;
    }
}
