package io.tocsin.app;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tocsin.api.HealthPart;
import io.tocsin.api.HttpApi;
import io.tocsin.config.AppConfig;
import io.tocsin.config.BoundedRocksDbMemory;
import io.tocsin.config.KafkaClients;
import io.tocsin.delivery.AlertNotifier;
import io.tocsin.delivery.AlertSink;
import io.tocsin.delivery.AlertSinks;
import io.tocsin.metrics.StateStoreMeters;
import io.tocsin.model.Alert;
import io.tocsin.model.Canary;
import io.tocsin.model.Durations;
import io.tocsin.model.EventCodec;
import io.tocsin.model.Topics;
import io.tocsin.topology.AlertTopology;
import io.tocsin.topology.StateFailures;
import io.tocsin.topology.StoreNames;
import io.tocsin.watchdog.CanaryClock;
import io.tocsin.watchdog.CanarySink;
import io.tocsin.watchdog.Watchdog;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Tocsin: topics ensured, the topology on Kafka Streams, the notifier delivering alerts, and the HTTP API.
 * Closed in the reverse order.
 */
public final class TocsinApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TocsinApp.class);

    private final KafkaStreams streams;
    private final AlertNotifier notifier;
    private final Optional<Watchdog> watchdog;
    private final HttpApi http;
    private final KafkaStreamsMetrics streamsMetrics;
    private final String alertDestination;
    private final KafkaProducer<String, byte[]> producer;
    private final BoundedRocksDbMemory.Shared rocksDbMemory;
    private final Duration shutdownTimeout;

    private TocsinApp(KafkaStreams streams, AlertNotifier notifier, Optional<Watchdog> watchdog, HttpApi http,
                      KafkaStreamsMetrics streamsMetrics, KafkaProducer<String, byte[]> producer,
                      BoundedRocksDbMemory.Shared rocksDbMemory, String alertDestination, Duration shutdownTimeout) {
        this.watchdog = watchdog;
        this.shutdownTimeout = shutdownTimeout;
        this.producer = producer;
        this.rocksDbMemory = rocksDbMemory;
        this.alertDestination = alertDestination;
        this.streams = streams;
        this.notifier = notifier;
        this.http = http;
        this.streamsMetrics = streamsMetrics;
    }

    public static TocsinApp start(AppConfig config, PrintStream console) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.config().meterFilter(StateStoreMeters.oneStoreTag());
        Map<String, AlertSink> sinks = AlertSinks.forRoutes(config, console, metrics);
        // every notifier has the canary route, whether or not its own watchdog is on: a peer's canary is never posted
        CanaryClock canaries = new CanaryClock();
        sinks.put(Canary.ROUTE, new CanarySink(canaries));
        StateDirCheck.requireWritable(config.stateDir());
        TopicProvisioner.ensure(config);
        Topics topics = new Topics(config.topicPrefix());
        LiveInputReadiness readiness = new LiveInputReadiness(config);
        Topology topology = AlertTopology.build(config, readiness);
        LOG.debug("topology:\n{}", topology.describe());

        HttpApi http = HttpApi.bind(config.httpPort(), config.http(), new EventCodec().mapper());
        HostInfo self = HostInfo.buildFromEndpoint(config.applicationServer().orElse("127.0.0.1:" + http.port()));
        Properties streamsProps = KafkaClients.streams(config, self);
        streamsProps.putAll(AlertTopology.errorHandling(config));
        BoundedRocksDbMemory.Shared rocksDbMemory = BoundedRocksDbMemory.Shared.of(config.rocksDbMemory());
        streamsProps.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        streamsProps.put(BoundedRocksDbMemory.SHARED, rocksDbMemory);
        KafkaStreams streams = new KafkaStreams(topology, streamsProps);
        readiness.attach(streams, AlertTopology.inputTopicOf(topology, StoreNames.HEARTBEAT_MONITOR, config.applicationId()));
        AtomicReference<String> stateFailure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            Optional<String> disk = StateFailures.diskProblem(e);
            if (disk.isPresent()) {
                // a new thread would fail the same way, for ever: stop, say why once, and stay not ready
                stateFailure.set("cannot write its state in state.dir " + config.stateDir() + ": " + disk.get());
                LOG.error("Kafka Streams stopped on this instance: it {}. /health/ready answers 503 until the disk is fixed"
                        + " (free space, or make it writable) and Tocsin restarted; nothing is lost, uncommitted input is"
                        + " processed again then", stateFailure.get());
                LOG.debug("state store failure", e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        KafkaStreamsMetrics streamsMetrics = MetricsRefresh.bind(streams, metrics);
        streamsMetrics.bindTo(metrics);
        streams.start();

        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
        AlertNotifier notifier = AlertNotifier.forConfig(config, producer, sinks, metrics).start();
        Optional<Watchdog> watchdog = config.watchdog().map(settings -> new Watchdog(settings, canaries,
                notifier::assignedPartitions, producer, topics, self.host() + "-" + self.port(), metrics).start());
        http.serve(streams, config, metrics, self, producer, topics.silences(), List.of(
                new HealthPart("streams", () -> stateFailure.get() == null ? streams.state().name()
                        : streams.state().name() + ": " + stateFailure.get(), () -> streams.state() == KafkaStreams.State.RUNNING),
                new HealthPart("notifier", () -> notifier.healthy() ? "RUNNING" : "STOPPED", notifier::healthy)));
        return new TocsinApp(streams, notifier, watchdog, http, streamsMetrics, producer, rocksDbMemory,
                sinks.get(Alert.DEFAULT_ROUTE).describe(), config.shutdownTimeout());
    }

    public String alertDestination() {
        return alertDestination;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The notifier, for tests that stop it to see readiness follow. */
    public AlertNotifier notifier() {
        return notifier;
    }

    public int httpPort() {
        return http.port();
    }

    /**
     * Stops within {@code shutdown.timeout}, in the order that loses nothing: no new HTTP requests; the notifier ends
     * a post in flight, records it and commits its offsets; Kafka Streams commits and leaves its group; then the
     * producer the notifier and the API wrote with. Each step gets what the earlier ones left of the bound.
     */
    @Override
    public void close() {
        watchdog.ifPresent(Watchdog::close); // first: no ping may claim health while the rest shuts down
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        http.close();
        notifier.close(left(deadline));
        // leave the group at once: a successor (restart, deploy) then rebalances without waiting out the session timeout
        boolean closed = streams.close(CloseOptions.timeout(left(deadline))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        producer.close(left(deadline));
        streamsMetrics.close();
        if (closed) {
            rocksDbMemory.close(); // not under a stream thread that may still read a store: left to the process exit
        } else {
            LOG.warn("Kafka Streams did not close within shutdown.timeout ({}); uncommitted input is processed again at"
                    + " the next start", Durations.format(shutdownTimeout));
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
