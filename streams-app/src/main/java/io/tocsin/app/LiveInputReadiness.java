package io.tocsin.app;

import io.tocsin.heartbeat.InputReadiness;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Caught up means: the monitor's own partition of the by-service repartition topic, and every partition of the
 * heartbeat input this client reads, are fetched to within {@value #MAX_LAG} records of their end, by the consumers'
 * own {@code records-lag} metrics. No metric yet for the monitor's partition (before its first fetch) means not
 * caught up. Input partitions read by another client are that client's to catch up with.
 */
final class LiveInputReadiness implements InputReadiness {

    private static final double MAX_LAG = 10;

    private final String inputTopic;
    private volatile String monitorTopic;
    private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();

    LiveInputReadiness(String inputTopic) {
        this.inputTopic = inputTopic;
    }

    /** Starts judging: the running app, and the internal topic the monitor reads (known once the topology is built). */
    void attach(KafkaStreams kafkaStreams, String monitorInputTopic) {
        monitorTopic = monitorInputTopic;
        streams.set(kafkaStreams);
    }

    @Override
    public boolean caughtUp(int partition) {
        KafkaStreams s = streams.get();
        if (s == null) {
            return false;
        }
        boolean monitorSeen = false;
        for (Map.Entry<MetricName, ? extends Metric> m : s.metrics().entrySet()) {
            MetricName name = m.getKey();
            if (!"records-lag".equals(name.name())) {
                continue;
            }
            String topic = name.tags().get("topic");
            boolean monitor = is(topic, monitorTopic) && String.valueOf(partition).equals(name.tags().get("partition"));
            if (!monitor && !is(topic, inputTopic)) {
                continue;
            }
            Object value = m.getValue().metricValue();
            if (!(value instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() > MAX_LAG) {
                return false;
            }
            monitorSeen |= monitor;
        }
        return monitorSeen;
    }

    /** Consumer metrics have named topics with '.' replaced by '_'. */
    private static boolean is(String tag, String topic) {
        return topic.equals(tag) || topic.replace('.', '_').equals(tag);
    }
}
