package io.tocsin.topology;

import io.tocsin.config.AppConfig;
import io.tocsin.heartbeat.InputReadiness;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Topics;
import io.tocsin.topology.StoreNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The real {@link AlertTopology} under TopologyTestDriver, with typed access to its topics. */
public final class TopologyFixture implements AutoCloseable {

    public static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");

    private final TopologyTestDriver driver;
    private final Path stateDir;
    /** Stopped as by a crash: its stores are closed, and closing the driver (which would flush them) must not follow. */
    private boolean stopped;
    private final Topics topics;
    private final TestInputTopic<String, byte[]> errors;
    private final TestInputTopic<String, byte[]> heartbeats;
    private final TestOutputTopic<String, String> alerts;
    private final TestInputTopic<String, String> silences;
    private final TestInputTopic<String, byte[]> deliveries;
    private final EventCodec codec = new EventCodec();

    public TopologyFixture(Map<String, String> settings) {
        this(settings, InputReadiness.ALWAYS);
    }

    public TopologyFixture(Map<String, String> settings, InputReadiness readiness) {
        this(settings, readiness, newStateDir(), T0);
    }

    /**
     * A topology on the state in {@code stateDir} (a copy of another fixture's: see {@link #copyState}), its wall clock
     * starting at {@code start}: a restart.
     */
    public TopologyFixture(Map<String, String> settings, Path stateDir, Instant start) {
        this(settings, InputReadiness.ALWAYS, stateDir, start);
    }

    private TopologyFixture(Map<String, String> settings, InputReadiness readiness, Path stateDir, Instant start) {
        AppConfig config = AppConfig.fromMap(publishingAtOnceUnlessSet(settings));
        topics = new Topics(config.topicPrefix());
        this.stateDir = stateDir;
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tocsin-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(AlertTopology.build(config, readiness), props, start);
        errors = driver.createInputTopic(topics.errors(), new StringSerializer(), new ByteArraySerializer());
        heartbeats = driver.createInputTopic(topics.heartbeats(), new StringSerializer(), new ByteArraySerializer());
        alerts = driver.createOutputTopic(topics.alerts(), new StringDeserializer(), new StringDeserializer());
        silences = driver.createInputTopic(topics.silences(), new StringSerializer(), new StringSerializer());
        deliveries = driver.createInputTopic(topics.alertDeliveries(), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Group changes and registry refreshes are published at once unless a test sets their intervals: most read the
     * topics right after an event.
     */
    private static Map<String, String> publishingAtOnceUnlessSet(Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.putIfAbsent(AppConfig.ERROR_GROUPS_PUBLISH_INTERVAL.name(), "0s");
        all.putIfAbsent(AppConfig.HEARTBEAT_REGISTRY_REFRESH.name(), "0s");
        return all;
    }

    public void error(String json, Instant recordTime) {
        errors.pipeInput(null, json.getBytes(StandardCharsets.UTF_8), recordTime);
    }

    public void heartbeat(String json, Instant recordTime) {
        heartbeats.pipeInput(null, json.getBytes(StandardCharsets.UTF_8), recordTime);
    }

    /** A record value as it is, not necessarily UTF-8 or JSON at all. */
    public void error(byte[] raw, Instant recordTime) {
        errors.pipeInput(null, raw, recordTime);
    }

    /** A record value as it is, not necessarily UTF-8 or JSON at all. */
    public void heartbeat(byte[] raw, Instant recordTime) {
        heartbeats.pipeInput(null, raw, recordTime);
    }

    public void silence(String id, String json) {
        silences.pipeInput(id, json);
    }

    /** A notifier's decision on an alert, as it writes it (keyed by the alert key). */
    public void delivery(String alertKey, byte[] raw, Instant recordTime) {
        deliveries.pipeInput(alertKey, raw, recordTime);
    }

    /** An alert key's history as stored for the API ({@code storeKey} as AlertHistory.storeKey makes it), or null. */
    public io.tocsin.history.AlertHistory alertHistory(String storeKey) {
        return (io.tocsin.history.AlertHistory) driver.getKeyValueStore(StoreNames.ALERT_HISTORY).get(storeKey);
    }

    /** Advances the driver's wall clock one step at a time, so every punctuation fires. */
    public void advanceWallClock(Duration total, Duration step) {
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
            driver.advanceWallClockTime(step);
        }
    }

    public List<Alert> alerts() {
        List<Alert> out = new ArrayList<>();
        for (String json : alerts.readValuesToList()) {
            try {
                out.add(codec.parseAlert(json.getBytes(StandardCharsets.UTF_8)));
            } catch (InvalidEventException e) {
                throw new AssertionError("the topology wrote an unreadable alert: " + json, e);
            }
        }
        return out;
    }

    /** The alerts as records: key (which picks the partition) and JSON value. */
    public List<TestRecord<String, String>> alertRecords() {
        return alerts.readRecordsToList();
    }

    /**
     * The sum over tasks of Tocsin's task-level metric {@code name} ({@code dead-letters-total}, {@code instances})
     * whose tags include every given pair ({@code "reason", "malformed"}).
     */
    public double metric(String name, String... tags) {
        double sum = 0;
        for (var m : driver.metrics().entrySet()) {
            boolean matches = m.getKey().group().equals(io.tocsin.metrics.Counters.GROUP) && m.getKey().name().equals(name);
            for (int i = 0; matches && i < tags.length; i += 2) {
                matches = tags[i + 1].equals(m.getKey().tags().get(tags[i]));
            }
            if (matches) {
                sum += ((Number) m.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }

    /** Every value the tag {@code key} takes among Tocsin's task-level metrics. */
    public java.util.Set<String> metricTagValues(String key) {
        java.util.Set<String> values = new java.util.TreeSet<>();
        for (org.apache.kafka.common.MetricName name : driver.metrics().keySet()) {
            if (name.group().equals(io.tocsin.metrics.Counters.GROUP) && name.tags().containsKey(key)) {
                values.add(name.tags().get(key));
            }
        }
        return values;
    }

    public List<TestRecord<String, String>> deadLetters() {
        return driver.createOutputTopic(topics.deadLetters(), new StringDeserializer(), new StringDeserializer()).readRecordsToList();
    }

    public List<TestRecord<String, String>> errorGroups() {
        return driver.createOutputTopic(topics.errorGroups(), new StringDeserializer(), new StringDeserializer()).readRecordsToList();
    }

    /** A group's sample event as stored for the API (JSON), or null. */
    public String sample(String fingerprint) {
        Object sample = driver.getKeyValueStore(StoreNames.ERRORS.samples()).get(fingerprint);
        return sample == null ? null : new EventCodec().writeString(sample);
    }

    /** The keys of a key-value store (local or global) as they are now. */
    public List<String> storeKeys(String store) {
        List<String> keys = new java.util.ArrayList<>();
        try (var it = driver.getKeyValueStore(store).all()) {
            it.forEachRemaining(kv -> keys.add(String.valueOf(kv.key)));
        }
        return keys;
    }

    /** Deletes every key of a local key-value store, as if the store were new (an upgrade that adds it). */
    public void clearStore(String store) {
        storeKeys(store).forEach(k -> driver.getKeyValueStore(store).delete(k));
    }

    /**
     * Stops this topology as a crash would (its stores closed, which writes them out, and nothing else) and returns a
     * copy of its state directory, for a {@link #TopologyFixture(Map, Path, Instant) restart} on it (closing the driver
     * deletes its own). Nothing but {@link #close} may follow.
     */
    public Path stopAndCopyState() {
        driver.getAllStateStores().values().forEach(org.apache.kafka.streams.processor.StateStore::close);
        stopped = true;
        try {
            Path copy = newStateDir();
            try (var files = Files.walk(stateDir)) {
                for (Path from : (Iterable<Path>) files::iterator) {
                    Path to = copy.resolve(stateDir.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else if (!from.getFileName().toString().equals("LOCK")) {
                        Files.copy(from, to);
                    }
                }
            }
            return copy;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path newStateDir() {
        try {
            return Files.createTempDirectory("tocsin-ttd-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public List<TestRecord<String, String>> registry() {
        return driver.createOutputTopic(topics.instances(), new StringDeserializer(), new StringDeserializer()).readRecordsToList();
    }

    @Override
    public void close() {
        if (!stopped) {
            driver.close();
        }
    }
}
