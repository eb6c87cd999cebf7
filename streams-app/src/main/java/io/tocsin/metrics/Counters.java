package io.tocsin.metrics;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Tocsin's own counters, registered as Kafka Streams task-level metrics ({@code stream-tocsin-metrics}, as
 * {@code <name>-total} and {@code <name>-rate}), so they reach {@code /metrics} with the rest.
 */
public final class Counters {

    private Counters() {
    }

    public static Sensor counter(ProcessingContext context, String name) {
        return context.metrics().addRateTotalSensor("tocsin", "task-" + context.taskId(), name, Sensor.RecordingLevel.INFO);
    }
}
