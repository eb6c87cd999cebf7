package io.tocsin.topology;

import io.tocsin.config.AppConfig;
import io.tocsin.errors.CapThenResetThrottle;
import io.tocsin.errors.ErrorGroupState;
import io.tocsin.errors.ErrorThrottleProcessor;
import io.tocsin.errors.Fingerprint;
import io.tocsin.errors.Fingerprinter;
import io.tocsin.errors.GroupedError;
import io.tocsin.heartbeat.HeartbeatMonitorProcessor;
import io.tocsin.heartbeat.HeartbeatOutput;
import io.tocsin.heartbeat.InputReadiness;
import io.tocsin.heartbeat.InstanceEntry;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.HeartbeatEvent;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
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
 * tocsin.heartbeats ─parse─┬─ invalid ────────────────────────────────────────────▶ tocsin.dead-letters
 *                          └─ monitor (wall-clock punctuation) ─┬─ alerts ────────▶ tocsin.alerts
 *                                                                └─ registry ──────▶ tocsin.instances
 * </pre>
 *
 * Error events carry their event time (the JSON {@code timestamp}, clamped to record time + {@code event.max-future})
 * from the parse step on, so windows run on event time; heartbeats keep their record (broker append) time.
 */
public final class AlertTopology {

    public static final String ERROR_GROUPS_STORE = "error-groups";
    public static final String INSTANCES_STORE = "instances";
    public static final String ERRORS_BY_FINGERPRINT = "errors-by-fingerprint";

    private final AppConfig config;
    private final Topics topics;
    private final EventCodec codec = new EventCodec();
    private final Serde<String> keys = Serdes.String();
    private final Serde<byte[]> raw = Serdes.ByteArray();
    private final Serde<Alert> alerts = new JsonSerde<>(Alert.class, codec);

    private AlertTopology(AppConfig config) {
        this.config = config;
        this.topics = new Topics(config.topicPrefix());
    }

    public static Topology build(AppConfig config, InputReadiness readiness) {
        return new AlertTopology(config).build(readiness);
    }

    private Topology build(InputReadiness readiness) {
        StreamsBuilder builder = new StreamsBuilder();
        errorBranch(builder);
        heartbeatBranch(builder, readiness);
        return builder.build();
    }

    private void errorBranch(StreamsBuilder builder) {
        long maxFutureMs = config.eventMaxFuture().toMillis();
        KStream<String, ExceptionEvent> errors = parsed(builder, topics.errors(), "errors",
                () -> new InputParser<>(codec::parseException, (event, recordTime) -> eventTime(event, recordTime, maxFutureMs)));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ERROR_GROUPS_STORE),
                keys, new JsonSerde<>(ErrorGroupState.class, codec)));
        Fingerprinter fingerprinter = new Fingerprinter();
        CapThenResetThrottle throttle = new CapThenResetThrottle(config.errorAlertLimit(), config.errorAlertWindow());
        errors
                .map((key, event) -> {
                    Fingerprint fp = fingerprinter.fingerprint(event);
                    return KeyValue.pair(fp.id(), new GroupedError(fp.id(), fp.title(), event));
                }, Named.as("fingerprint"))
                .repartition(Repartitioned.with(keys, new JsonSerde<>(GroupedError.class, codec)).withName(ERRORS_BY_FINGERPRINT))
                .process(() -> new ErrorThrottleProcessor(ERROR_GROUPS_STORE, throttle), Named.as("error-throttle"), ERROR_GROUPS_STORE)
                .to(topics.alerts(), Produced.with(keys, alerts).withName("error-alerts-sink"));
    }

    private void heartbeatBranch(StreamsBuilder builder, InputReadiness readiness) {
        KStream<String, HeartbeatEvent> heartbeats = parsed(builder, topics.heartbeats(), "heartbeats",
                () -> new InputParser<>(codec::parseHeartbeat, (event, recordTime) -> recordTime));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INSTANCES_STORE),
                keys, new JsonSerde<>(InstanceEntry.class, codec)));
        heartbeats
                .process(() -> new HeartbeatMonitorProcessor(INSTANCES_STORE, config.heartbeatTimeout(),
                        config.heartbeatCheckInterval(), readiness), Named.as("heartbeat-monitor"), INSTANCES_STORE)
                .split(Named.as("heartbeat-"))
                .branch((key, out) -> out.isAlert(), Branched.withConsumer(s -> s
                        .mapValues(HeartbeatOutput::alert, Named.as("heartbeat-alert"))
                        .to(topics.alerts(), Produced.with(keys, alerts).withName("heartbeat-alerts-sink")), "alerts"))
                .defaultBranch(Branched.withConsumer(s -> s
                        .mapValues(HeartbeatOutput::entry, Named.as("registry-entry"))
                        .to(topics.instances(), Produced.with(keys, new JsonSerde<>(InstanceEntry.class, codec)).withName("registry-sink")), "registry"));
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
                .mapValues(Parsed::raw, Named.as(name + "-dead-letter"))
                .to(topics.deadLetters(), Produced.with(keys, raw).withName(name + "-dead-letters"));
        return branches.get(name + "-valid").mapValues(Parsed::event, Named.as(name + "-event"));
    }

    /** Event time, except that a time too far ahead of the record (a skewed agent clock) is clamped to record time. */
    static long eventTime(ExceptionEvent event, long recordTime, long maxFutureMs) {
        long eventTime = event.timestamp().toEpochMilli();
        return eventTime - recordTime > maxFutureMs ? recordTime : eventTime;
    }
}
