package io.tocsin.replay;

import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.errors.ErrorGroup;
import io.tocsin.errors.Fingerprinter;
import io.tocsin.heartbeat.InputReadiness;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Topics;
import io.tocsin.topology.AlertTopology;
import io.tocsin.topology.EventLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Replays a range of the input topics through the very topology the live app runs ({@link AlertTopology#build}),
 * single-threaded in Kafka Streams' {@link TopologyTestDriver}: records in one fixed order (record time, topic,
 * partition, offset), the driver's wall clock advanced to each record's time in steps of the heartbeat check interval
 * and finally to the range's end, so windows close and silence is detected as they would have been live. Silences
 * are replayed from their topic as recorded. Nothing is written to any topic and nothing is posted.
 */
public final class Replay {

    /** The range, how far before it to start reading (so windows open before it are known), and a service filter. */
    public record Options(Instant from, Instant to, Duration lookBack, Set<String> services, Optional<Fingerprinter.Rules> compareWith) {
        public Options(Instant from, Instant to, Duration lookBack, Set<String> services) {
            this(from, to, lookBack, services, Optional.empty());
        }

        public Options {
            if (!to.isAfter(from)) {
                throw new IllegalArgumentException("--to must be after --from");
            }
            services = Set.copyOf(services);
        }
    }

    private static final int DRAIN_EVERY = 5_000;

    private final AppConfig config;
    private final Options options;
    private final Topics topics;
    private final EventCodec codec = new EventCodec();
    private final Fingerprinter fingerprinter = new Fingerprinter();
    private final Optional<Fingerprinter> candidate;
    private final ReportBuilder report;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> errors;
    private TestInputTopic<String, byte[]> heartbeats;
    private TestInputTopic<String, byte[]> silences;
    private TestOutputTopic<String, byte[]> alerts;
    private TestOutputTopic<String, byte[]> groups;
    private TestOutputTopic<String, byte[]> instances;
    private TestOutputTopic<String, byte[]> deadLetters;
    private long wallClock;
    private long sincePiped;

    private Replay(AppConfig config, Options options, ReportBuilder report) {
        this.config = config;
        this.options = options;
        this.topics = new Topics(config.topicPrefix());
        this.report = report;
        this.candidate = options.compareWith().map(Fingerprinter::new);
    }

    /** Runs the replay; {@code progress} hears how far reading is. */
    public static ReplayReport run(AppConfig config, AppConfig inForce, Options options, Consumer<RangeReader.Progress> progress,
                                   BooleanSupplier cancelled) {
        Replay replay = new Replay(config, options, new ReportBuilder(config, inForce, options));
        return replay.run(progress, cancelled);
    }

    private ReplayReport run(Consumer<RangeReader.Progress> progress, BooleanSupplier cancelled) {
        Path stateDir = tempDir();
        Instant start = options.from().minus(options.lookBack());
        try (TopologyTestDriver d = new TopologyTestDriver(AlertTopology.build(config, InputReadiness.ALWAYS), driverProps(stateDir), start);
             RangeReader reader = new RangeReader(replayConsumer(), List.of(topics.errors(), topics.heartbeats(), topics.silences()),
                     start, options.to(), List.of(topics.silences()))) {
            open(d, start);
            reader.forEach(this::pipe, progress, cancelled);
            advanceTo(options.to().toEpochMilli());
            drain();
        } finally {
            deleteQuietly(stateDir);
        }
        return report.build();
    }

    private void open(TopologyTestDriver d, Instant start) {
        driver = d;
        wallClock = start.toEpochMilli();
        errors = d.createInputTopic(topics.errors(), new StringSerializer(), new ByteArraySerializer());
        heartbeats = d.createInputTopic(topics.heartbeats(), new StringSerializer(), new ByteArraySerializer());
        silences = d.createInputTopic(topics.silences(), new StringSerializer(), new ByteArraySerializer());
        alerts = d.createOutputTopic(topics.alerts(), new StringDeserializer(), new ByteArrayDeserializer());
        groups = d.createOutputTopic(topics.errorGroups(), new StringDeserializer(), new ByteArrayDeserializer());
        instances = d.createOutputTopic(topics.instances(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = d.createOutputTopic(topics.deadLetters(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private void pipe(ConsumerRecord<String, byte[]> r) {
        TestInputTopic<String, byte[]> input = r.topic().equals(topics.errors()) ? errors
                : r.topic().equals(topics.heartbeats()) ? heartbeats : silences;
        if (input != silences && !options.services().isEmpty() && !options.services().contains(serviceOf(r.value()))) {
            return;
        }
        advanceTo(r.timestamp());
        if (input == errors) {
            countError(r);
        } else if (input == heartbeats && r.timestamp() >= options.from().toEpochMilli()) {
            report.heartbeat();
        }
        input.pipeInput(new TestRecord<>(r.key(), r.value(), r.headers(), r.timestamp()));
        takeAlerts();
        if (++sincePiped >= DRAIN_EVERY) {
            drain();
        }
    }

    /** The chart's counts: the event's group as the topology computes it (bounded first, as there). */
    private void countError(ConsumerRecord<String, byte[]> r) {
        try {
            ExceptionEvent e = EventLimits.bound(codec.parseException(r.value()));
            if (ExceptionEvent.PROBE_CATEGORY.equals(e.category())) {
                return;
            }
            String group = fingerprinter.fingerprint(e).id();
            if (r.timestamp() < options.from().toEpochMilli()) {
                report.seenBeforeRange(group);
            } else {
                report.errorEvent(group, r.timestamp(), e.count());
                candidate.ifPresent(c -> report.compared(group, c.fingerprint(e).id(), fingerprinter.fingerprint(e).title(), e.count()));
            }
        } catch (InvalidEventException | RuntimeException e) {
            // the topology sends it to the dead letters; counted there
        }
    }

    /** Advances the wall clock in check-interval steps, so every punctuation fires as it would have live. */
    private void advanceTo(long time) {
        long step = config.heartbeat().checkInterval().toMillis();
        while (wallClock + step <= time) {
            driver.advanceWallClockTime(Duration.ofMillis(step));
            wallClock += step;
            takeAlerts();
        }
        if (time > wallClock) {
            driver.advanceWallClockTime(Duration.ofMillis(time - wallClock));
            wallClock = time;
            takeAlerts();
        }
    }

    /**
     * Alerts as they are written, with the (replayed) wall-clock time they were written at: the range holds the alerts
     * its records caused, whatever the events' own times (two-hour-old events give two-hour-old alerts).
     */
    private void takeAlerts() {
        for (TestRecord<String, byte[]> r : alerts.readRecordsToList()) {
            try {
                Alert alert = codec.parseAlert(r.value());
                if (alert.kind() != AlertKind.CANARY) { // the live app's watchdog traffic is not part of what happened
                    report.alert(alert, wallClock);
                }
            } catch (InvalidEventException e) {
                throw new IllegalStateException("the topology wrote an unreadable alert", e);
            }
        }
    }

    /** Takes what else the topology wrote so far, keeping memory flat whatever the range. */
    private void drain() {
        sincePiped = 0;
        takeAlerts();
        for (TestRecord<String, byte[]> r : groups.readRecordsToList()) {
            if (r.value() != null) {
                report.group(readGroup(r.value()));
            }
        }
        instances.readRecordsToList();
        report.deadLetters(deadLetters.readRecordsToList().size());
    }

    private ErrorGroup readGroup(byte[] json) {
        try {
            return codec.mapper().readValue(json, ErrorGroup.class);
        } catch (IOException e) {
            throw new UncheckedIOException("the topology wrote an unreadable error group", e);
        }
    }

    private String serviceOf(byte[] value) {
        try {
            return codec.mapper().readTree(value).path("service").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private Properties replayConsumer() {
        return KafkaClients.replayConsumer(config);
    }

    private static Properties driverProps(Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "tocsin-replay");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay.invalid:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return p;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("tocsin-replay-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the OS cleans it up eventually
        }
    }
}
