package io.tocsin.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Binds the Kafka Streams metrics (Tocsin's task-level figures among them) to Micrometer. The binder finds metrics
 * registered after it started, such as those of a task that started later, only when it looks again: every
 * {@link #INTERVAL} here rather than its default minute, so a new task's figures reach {@code /metrics} soon.
 */
final class MetricsRefresh {

    static final Duration INTERVAL = Duration.ofSeconds(10);

    private MetricsRefresh() {
    }

    /** Closing the binder stops its refresh thread. */
    static KafkaStreamsMetrics bind(KafkaStreams streams, MeterRegistry registry) {
        ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tocsin-metrics-refresh");
            t.setDaemon(true);
            return t;
        });
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, List.of(), refresh, INTERVAL) {
            @Override
            public void close() {
                super.close();
                refresh.shutdownNow();
            }
        };
        binder.bindTo(registry);
        return binder;
    }
}
