package io.tocsin.topology;

import io.tocsin.common.Partitions;
import io.tocsin.config.AppConfig;
import io.tocsin.errors.CapThenResetThrottle;
import io.tocsin.errors.ErrorGroup;
import io.tocsin.errors.ErrorOutput;
import io.tocsin.errors.ErrorThrottleProcessor;
import io.tocsin.errors.FingerprintProcessor;
import io.tocsin.errors.Fingerprinter;
import io.tocsin.errors.GroupedError;
import io.tocsin.errors.SampleGate;
import io.tocsin.errors.ThrottleRules;
import io.tocsin.heartbeat.HeartbeatMonitorProcessor;
import io.tocsin.heartbeat.HeartbeatOutput;
import io.tocsin.heartbeat.HeartbeatRules;
import io.tocsin.heartbeat.HeartbeatSignal;
import io.tocsin.heartbeat.InputReadiness;
import io.tocsin.heartbeat.InstanceEntry;
import io.tocsin.history.AlertHistory;
import io.tocsin.history.AlertHistoryProcessor;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Keys;
import io.tocsin.model.Topics;
import io.tocsin.privacy.Scrubber;
import io.tocsin.routing.AlertRouter;
import io.tocsin.routing.GlobalStateUpdaters;
import io.tocsin.routing.Silence;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole Tocsin graph, built in one place so the live app, the tests and replay run the very same code.
 *
 * <pre>
 * tocsin.errors ──parse──┬─ invalid ──────────────────────────────────────────────▶ tocsin.dead-letters
 *                        └─ fingerprint ─▶ repartition by fingerprint ─▶ throttle ─▶ tocsin.alerts
 *                        └─ probe failures ─▶ repartition by service ───────┐
 * tocsin.heartbeats ─parse─┬─ invalid ────────────────────────────────────────────▶ tocsin.dead-letters
 *                          └─ repartition by service ─▶ (+ probe failures) ─▶ monitor (wall-clock punctuation)
 *                                                          ─┬─ alerts ───▶ tocsin.alerts
 *                                                           └─ registry ─▶ tocsin.instances
 * tocsin.alert-deliveries (the notifier's decisions) ─▶ alert history (each alert key's recent alerts)
 * </pre>
 *
 * Error events and heartbeats meet in no sub-topology: a record that fails the error path can stall only that path.
 * Error events carry their event time (the JSON {@code timestamp}, clamped to record time + {@code event.max-future})
 * from the parse step on, so windows run on event time; heartbeats keep their record (broker append) time.
 */
public final class AlertTopology {

    private static final Instant LATEST_TIMESTAMP = Instant.ofEpochMilli(Long.MAX_VALUE);
    /** Fingerprints a task's sample gate remembers: about 100 bytes each. */
    private static final int SAMPLE_GATE_CAPACITY = 10_000;
    /** The alert history's retention sweep: 10,000 keys a minute goes through a million keys in under two hours. */
    private static final Duration HISTORY_SWEEP = Duration.ofMinutes(1);
    private static final int HISTORY_SWEEP_BATCH = 10_000;

    private final AppConfig config;
    private final Topics topics;
    private final EventCodec codec = new EventCodec();
    private final Serde<String> keys = Serdes.String();
    private final Serde<byte[]> raw = Serdes.ByteArray();
    private final Serde<Alert> alerts = new JsonSerde<>(Alert.class, codec);
    /** Privacy is enforced here, once, where event text is stored or turned into alerts; delivery only escapes. */
    private final Scrubber scrubber;

    private AlertTopology(AppConfig config) {
        this.config = config;
        this.topics = new Topics(config.topicPrefix());
        this.scrubber = new Scrubber(config.scrubPatterns());
    }

    /**
     * Streams settings the topology relies on: a record a step fails on, or one too large to write, goes to the dead
     * letters with the reason instead of round again; a failing state store fails the task instead (its records are
     * not to blame).
     */
    public static Map<String, Object> errorHandling(AppConfig config) {
        return Map.of(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RecordFailureHandler.class,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OversizeRecordHandler.class,
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, new Topics(config.topicPrefix()).deadLetters());
    }

    public static Topology build(AppConfig config, InputReadiness readiness) {
        return new AlertTopology(config).build(readiness);
    }

    private Topology build(InputReadiness readiness) {
        StreamsBuilder builder = new StreamsBuilder();
        long maxFutureMs = config.eventMaxFuture().toMillis();
        KStream<String, ExceptionEvent> errors = parsed(builder, topics.errors(), "errors",
                () -> new InputParser<>("errors", raw -> EventLimits.bound(codec.parseException(raw)),
                        (event, recordTime) -> eventTime(event, recordTime, maxFutureMs)));
        KStream<String, HeartbeatEvent> heartbeats = parsed(builder, topics.heartbeats(), "heartbeats",
                () -> new InputParser<>("heartbeats", codec::parseHeartbeat, (event, recordTime) -> recordTime));
        globalStores(builder);
        errorBranch(builder, errors);
        heartbeatBranch(builder, heartbeats, errors, readiness);
        // last, so the sub-topologies built before it keep their numbers (and their tasks' state) across an upgrade
        alertHistory(builder);
        return builder.build();
    }

    /** Silences and outage states, read by the alert router in every task. */
    private void globalStores(StreamsBuilder builder) {
        JsonSerde<Silence> silences = new JsonSerde<>(Silence.class, codec);
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SILENCES), keys, silences)
                        .withLoggingDisabled(), topics.silences(), Consumed.with(keys, silences).withName("silences-source"),
                () -> new GlobalStateUpdaters.Silences(StoreNames.SILENCES));
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ALERT_STATES), keys, alerts)
                        .withLoggingDisabled(), topics.alerts(), Consumed.with(keys, alerts).withName("alert-states-source"),
                () -> new GlobalStateUpdaters.AlertStates(StoreNames.ALERT_STATES, config.routing().inhibitionHorizon()));
    }

    private void errorBranch(StreamsBuilder builder, KStream<String, ExceptionEvent> errors) {
        ThrottleRules rules = config.throttle();
        // cached: a hot group is written to its changelog once per commit, not once per occurrence
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ERRORS.groups()),
                keys, new JsonSerde<>(ErrorGroup.class, codec)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ERRORS.samples()),
                keys, new JsonSerde<>(ExceptionEvent.class, codec)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ERRORS.byService()), keys, keys));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ERRORS.timers()), keys, keys)
                .withCachingEnabled());
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(StoreNames.ERRORS.eventIds(),
                rules.dedupeWindow(), Duration.ofMillis(1), false), keys, Serdes.Long()));
        Fingerprinter fingerprinter = new Fingerprinter();
        CapThenResetThrottle throttle = new CapThenResetThrottle(rules);
        errors
                // a failed health check is an availability signal: the down alert says why, no ERROR alerts on top
                .filterNot((key, e) -> ExceptionEvent.PROBE_CATEGORY.equals(e.category()), Named.as("not-probe-failures"))
                .process(() -> new FingerprintProcessor(fingerprinter, new SampleGate(rules.sampleInterval().toMillis(), SAMPLE_GATE_CAPACITY)),
                        Named.as("fingerprint"))
                .repartition(Repartitioned.with(keys, new JsonSerde<>(GroupedError.class, codec)).withName(StoreNames.ERRORS_BY_FINGERPRINT))
                .process(() -> new ErrorThrottleProcessor(StoreNames.ERRORS, throttle, scrubber), Named.as("error-throttle"),
                        StoreNames.ERRORS.all())
                .split(Named.as("throttle-"))
                .branch((key, out) -> out.isAlert(), Branched.withConsumer(s -> s
                        .mapValues(ErrorOutput::alert, Named.as("error-alert"))
                        .process(() -> new AlertRouter(config.routing(), new AlertRouter.Stores(StoreNames.SILENCES, StoreNames.ALERT_STATES, null), scrubber),
                                Named.as("error-alert-router"))
                        .to(topics.alerts(), Produced.with(keys, alerts).withName("error-alerts-sink")), "alerts"))
                .defaultBranch(Branched.withConsumer(s -> s
                        .mapValues(ErrorOutput::group, Named.as("error-group"))
                        .to(topics.errorGroups(), Produced.with(keys, new JsonSerde<>(ErrorGroup.class, codec)).withName("error-groups-sink")),
                        "groups"));
    }

    /**
     * Heartbeats, and the failures URL probers report, go to the monitor partitioned by service, so one task sees
     * every instance of a service and can tell a mass outage from single ones.
     */
    private void heartbeatBranch(StreamsBuilder builder, KStream<String, HeartbeatEvent> heartbeats,
                                 KStream<String, ExceptionEvent> errors, InputReadiness readiness) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.INSTANCES),
                keys, new JsonSerde<>(InstanceEntry.class, codec)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.INSTANCE_INDEX), keys, keys));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.POSTED_OUTAGES), keys, keys));
        // probe failures reach the monitor through their own repartition topic: error traffic (however hostile) then
        // runs in sub-topologies of its own and can never stall or starve heartbeat detection
        KStream<String, HeartbeatSignal> probeFailures = bySignalService(errors
                .filter((key, e) -> ExceptionEvent.PROBE_CATEGORY.equals(e.category()), Named.as("probe-failures"))
                // the failure reason is stored in the registry: scrubbed before it is (URLs may carry credentials)
                .mapValues(e -> HeartbeatSignal.failure(scrubber.scrub(e)), Named.as("probe-failure-signal")),
                "probe-failure-by-instance", StoreNames.PROBE_FAILURES_BY_SERVICE);
        HeartbeatRules rules = config.heartbeat();
        bySignalService(heartbeats.mapValues(HeartbeatSignal::of, Named.as("heartbeat-signal")),
                "by-instance", StoreNames.HEARTBEATS_BY_SERVICE)
                .merge(probeFailures, Named.as("heartbeat-signals"))
                .process(() -> new HeartbeatMonitorProcessor(
                                new HeartbeatMonitorProcessor.Stores(StoreNames.INSTANCES, StoreNames.INSTANCE_INDEX), rules, readiness),
                        Named.as(StoreNames.HEARTBEAT_MONITOR), StoreNames.INSTANCES, StoreNames.INSTANCE_INDEX)
                .split(Named.as("heartbeat-"))
                .branch((key, out) -> out.isAlert(), Branched.withConsumer(s -> s
                        .mapValues(HeartbeatOutput::alert, Named.as("heartbeat-alert"))
                        .process(() -> new AlertRouter(config.routing(),
                                        new AlertRouter.Stores(StoreNames.SILENCES, StoreNames.ALERT_STATES, StoreNames.POSTED_OUTAGES), scrubber),
                                Named.as("heartbeat-alert-router"), StoreNames.POSTED_OUTAGES)
                        .to(topics.alerts(), Produced.with(keys, alerts).withName("heartbeat-alerts-sink")), "alerts"))
                .defaultBranch(Branched.withConsumer(s -> s
                        .mapValues(HeartbeatOutput::entry, Named.as("registry-entry"))
                        .to(topics.instances(), Produced.with(keys, new JsonSerde<>(InstanceEntry.class, codec)).withName("registry-sink")), "registry"));
    }

    /**
     * Each alert key's recent alerts with their delivery state, from the notifier's decisions (the console's alert
     * lists). The notifier writes them keyed by alert key, so no repartition is needed.
     */
    private void alertHistory(StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ALERT_HISTORY),
                keys, new JsonSerde<>(AlertHistory.class, codec)));
        builder.stream(topics.alertDeliveries(), Consumed.with(keys, raw).withName("alert-deliveries-source"))
                .process(() -> new AlertHistoryProcessor(StoreNames.ALERT_HISTORY, codec, Topics.DELIVERED_RETENTION,
                                HISTORY_SWEEP, HISTORY_SWEEP_BATCH),
                        Named.as("alert-history"), StoreNames.ALERT_HISTORY);
    }

    /** Keyed {@code service/instance} and repartitioned by service, for the monitor. */
    private KStream<String, HeartbeatSignal> bySignalService(KStream<String, HeartbeatSignal> signals, String keyStep, String topic) {
        return signals
                .selectKey((key, signal) -> signal.key(), Named.as(keyStep))
                .repartition(Repartitioned.with(keys, new JsonSerde<>(HeartbeatSignal.class, codec))
                        .withStreamPartitioner(AlertTopology::partitionByService).withName(topic));
    }

    /**
     * The internal topic a processor of the topology reads, as the brokers know it: its sub-topology's source topic
     * from the topology's own description, with the application id Kafka Streams puts before internal topics.
     */
    public static String inputTopicOf(Topology topology, String processor, String applicationId) {
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            if (sub.nodes().stream().anyMatch(n -> n.name().equals(processor))) {
                // the heartbeats' own topic when the processor reads several (probe failures come by another)
                return sub.nodes().stream().filter(TopologyDescription.Source.class::isInstance)
                        .map(n -> ((TopologyDescription.Source) n).topicSet().iterator().next())
                        .sorted(Comparator.comparing(t -> !t.startsWith(StoreNames.HEARTBEATS_BY_SERVICE)))
                        .map(internal -> applicationId + "-" + internal)
                        .findFirst().orElseThrow();
            }
        }
        throw new IllegalArgumentException("no processor " + processor + " in the topology");
    }

    /** Keys are {@code service/instance}; the partition depends on the service alone. */
    static Optional<Set<Integer>> partitionByService(String topic, String key, HeartbeatSignal value, int partitions) {
        String service = Keys.service(key);
        return Optional.of(Set.of(Partitions.of(service, partitions)));
    }

    /** Reads a raw input topic, parses it, sends refused records to the dead-letter topic, returns the valid events. */
    private <T> KStream<String, T> parsed(StreamsBuilder builder, String topic, String name,
                                         FixedKeyProcessorSupplier<String, byte[], Parsed<T>> parser) {
        Map<String, KStream<String, Parsed<T>>> branches = builder
                .stream(topic, Consumed.with(keys, raw).withName(name + "-source"))
                .processValues(parser, Named.as(name + "-parse"))
                .split(Named.as(name + "-"))
                .branch((key, parsed) -> parsed.valid(), Branched.as("valid"))
                .defaultBranch(Branched.as("invalid"));
        branches.get(name + "-invalid")
                .map((key, parsed) -> KeyValue.pair(InputParser.deadLetterKey(key), parsed.raw()), Named.as(name + "-dead-letter"))
                .to(topics.deadLetters(), Produced.with(keys, raw).withName(name + "-dead-letters"));
        return branches.get(name + "-valid").mapValues(Parsed::event, Named.as(name + "-event"));
    }

    /**
     * Event time, except that a time too far ahead of the record (a skewed agent clock) is clamped to record time, and
     * so is one a Kafka timestamp cannot carry: before 1970 (negative) or beyond what a long holds in milliseconds.
     */
    static long eventTime(ExceptionEvent event, long recordTime, long maxFutureMs) {
        Instant at = event.timestamp();
        if (at.isBefore(Instant.EPOCH) || at.isAfter(LATEST_TIMESTAMP)) {
            return recordTime;
        }
        long eventTime = at.toEpochMilli();
        return eventTime - recordTime > maxFutureMs ? recordTime : eventTime;
    }
}
