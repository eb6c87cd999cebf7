package io.tocsin.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.metrics.stats.WindowedCount;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Tocsin's own figures in the topology, registered as Kafka Streams task-level metrics (group
 * {@value #GROUP}, tags {@code thread-id} and {@code tocsin-id} = {@code task-<id>}), so they reach {@code /metrics}
 * through the Micrometer binder with the rest, and work the same under TopologyTestDriver and replay.
 *
 * <p>A counter is {@code <name>-total} and {@code <name>-rate}; a gauge is {@code <name>} (its last recorded value).
 * Label values must come from a small fixed set (an enum, a configured name), never from event text.
 */
public final class Counters {

    public static final String GROUP = "stream-tocsin-metrics";

    private Counters() {
    }

    public static Sensor counter(ProcessingContext context, String name) {
        return context.metrics().addRateTotalSensor("tocsin", "task-" + context.taskId(), name, Sensor.RecordingLevel.INFO);
    }

    /**
     * A counter with labels, given as key-value pairs ({@code "reason", "malformed"}). Every counter of one name must
     * be created with the same label keys: Prometheus wants one set of labels per name.
     */
    public static Sensor counter(ProcessingContext context, String name, String... labels) {
        Map<String, String> tags = tags(context, labels);
        // Streams' own addRateTotalSensor names its sensor without the extra tags: two label values would share one
        Sensor sensor = context.metrics().addSensor(sensorName(context, name, tags), Sensor.RecordingLevel.INFO);
        sensor.add(new MetricName(name + "-total", GROUP, "The total number of " + name, tags), new CumulativeCount());
        sensor.add(new MetricName(name + "-rate", GROUP, "The number of " + name + " per second", tags),
                new Rate(new WindowedCount()));
        return sensor;
    }

    /**
     * A gauge with labels: the value last recorded. Remove it with {@link #remove} when the processor closes, or a
     * task that moved to another instance would still report its last value here.
     */
    public static Sensor gauge(ProcessingContext context, String name, String... labels) {
        Map<String, String> tags = tags(context, labels);
        Sensor sensor = context.metrics().addSensor(sensorName(context, name, tags), Sensor.RecordingLevel.INFO);
        sensor.add(new MetricName(name, GROUP, "The current number of " + name, tags), new Value());
        return sensor;
    }

    public static void remove(ProcessingContext context, Sensor sensor) {
        if (sensor != null) {
            context.metrics().removeSensor(sensor);
        }
    }

    private static Map<String, String> tags(ProcessingContext context, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in key-value pairs");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("thread-id", Thread.currentThread().getName());
        tags.put("tocsin-id", "task-" + context.taskId());
        for (int i = 0; i < labels.length; i += 2) {
            tags.put(labels[i], labels[i + 1]);
        }
        return tags;
    }

    private static String sensorName(ProcessingContext context, String name, Map<String, String> tags) {
        return "tocsin." + Thread.currentThread().getName() + ".task-" + context.taskId() + "." + name + "." + tags;
    }
}
