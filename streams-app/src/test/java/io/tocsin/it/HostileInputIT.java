package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Keys;
import io.tocsin.model.Limits;
import io.tocsin.model.Topics;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import io.tocsin.topology.InputParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;

/**
 * Fault injection: 10,000 hostile records interleaved with valid ones on {@code tocsin.errors} and
 * {@code tocsin.heartbeats}. Every hostile record the contract refuses lands in {@code tocsin.dead-letters} (matched
 * one to one by the topic, partition and offset headers) with a reason; the hostile records the contract accepts
 * (see {@link Traffic}) are handled as it says; every valid record alerts exactly as the rules compute; and no stream
 * task is restarted meanwhile (same threads, no task closed, no failed thread, the client RUNNING throughout).
 */
@ScaledTimeout(seconds = 300)
class HostileInputIT {

    private static final int HOSTILE = 10_000;
    private static final int LIMIT = 5; // error.alert.limit's default: per group per window
    /** A record value the broker still takes ({@code message.max.bytes} 1 MiB + 12, less batch and record overhead). */
    private static final int NEAR_LIMIT = 1_048_400;
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final String REASON = InputParser.REASON_HEADER;
    /** Processing failures carry Kafka Streams' own dead-letter headers (README, topic table). */
    private static final String STREAMS_REASON = "__streams.errors.message";

    @Test
    void everyHostileRecordIsDeadLetteredWithItsReasonEveryValidOneAlertsAndNoTaskRestarts() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            AppConfig config = Apps.config(broker, null, Map.of("heartbeat.timeout", Waits.configDuration(HEARTBEAT_TIMEOUT)));
            Topics topics = new Topics(config.topicPrefix());
            Traffic traffic = new Traffic(topics, new Random(11));
            List<Input> inputs = traffic.build();
            assertThat(inputs.stream().filter(i -> i.fate() != Fate.VALID)).as("hostile records").hasSize(HOSTILE);
            List<Input> refused = inputs.stream().filter(i -> i.fate() == Fate.DEAD_LETTER).toList();

            try (TocsinApp app = Apps.start(config);
                 RestartWatch restarts = new RestartWatch(app.streams());
                 Tail deadLetters = new Tail(broker.bootstrapServers(), topics.deadLetters());
                 Tail alertRecords = new Tail(broker.bootstrapServers(), topics.alerts())) {
                long startedAt = System.nanoTime();
                Map<Coordinates, Input> sent = send(config, inputs);
                double sentInS = (System.nanoTime() - startedAt) / 1e9;

                // Then: every refused record is dead-lettered and every error alert the rules compute is out (or, when
                // not, the app has read all the input and nothing more comes: the assertions below then say what is amiss)
                Progress progress = new Progress(broker.bootstrapServers(), config.applicationId(), List.of(topics.errors(), topics.heartbeats()));
                await("dead letters and error alerts", Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            int dead = deadLetters.poll().size();
                            List<Alert> errors = errorAlerts(alerts(alertRecords.poll()));
                            return dead >= refused.size() && errors.size() >= traffic.expectedErrorAlerts()
                                    || progress.settled(dead + errors.size());
                        });
                double drainedInS = (System.nanoTime() - startedAt) / 1e9;
                Map<String, String> reasons = assertDeadLetters(deadLetters.poll(), sent, refused);
                assertErrorAlerts(errorAlerts(alerts(alertRecords.poll())), traffic);

                // and, the timeout after the last heartbeat, every instance that beat is reported down once
                await("instances down", HEARTBEAT_TIMEOUT.plusSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> downs(alerts(alertRecords.poll())).size() >= traffic.expectedDowns().size());
                Waits.letTimePass(SETTLE); // nothing more may come
                assertThat(deadLetters.poll()).as("dead letters, at the end").hasSize(refused.size());
                List<Alert> alerts = alerts(alertRecords.poll());
                assertErrorAlerts(errorAlerts(alerts), traffic);
                assertThat(downs(alerts)).as("availability alerts: one INSTANCE_DOWN per instance that beat, by its body")
                        .extracting(a -> Keys.of(a.service(), a.instance()))
                        .containsExactlyInAnyOrderElementsOf(traffic.expectedDowns());
                assertThat(alerts).as("no other kind of alert").allMatch(a -> a.kind() == AlertKind.ERROR || a.kind() == AlertKind.INSTANCE_DOWN);
                restarts.assertNone();

                reasons.forEach((kind, reason) -> System.out.printf(Locale.ROOT, "[hostile-input] %s: e.g. \"%s\"%n", kind, reason));
                System.out.printf(Locale.ROOT, "[hostile-input] %d of the hostile records accepted as the contract says: %s%n",
                        HOSTILE - refused.size(), countByKind(inputs, Fate.ACCEPTED));
                System.out.printf(Locale.ROOT, "FIGURE hostile-input: %d hostile + %d valid records, %d dead letters with reasons"
                                + " (%d hostile accepted by the contract), %d task restarts, sent in %.1f s, drained in %.1f s%n",
                        HOSTILE, inputs.size() - HOSTILE, refused.size(), HOSTILE - refused.size(), restarts.restarts(),
                        sentInS, drainedInS);
            }
        }
    }

    /** Dead letters match the refused records one to one, each carrying a reason and the record as received. */
    private static Map<String, String> assertDeadLetters(List<ConsumerRecord<byte[], byte[]>> deadLetters,
                                                         Map<Coordinates, Input> sent, List<Input> refused) {
        Map<String, String> reasonByKind = new TreeMap<>();
        Problems problems = new Problems();
        Set<Coordinates> seen = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> dead : deadLetters) {
            Coordinates from = Coordinates.of(dead);
            Input input = from == null ? null : sent.get(from);
            String reason = text(dead, REASON) != null ? text(dead, REASON) : text(dead, STREAMS_REASON);
            if (input == null) {
                problems.add("a dead letter from no record sent", from + ": " + reason);
            } else if (input.fate() != Fate.DEAD_LETTER) {
                problems.add(input.fate() + " " + input.kind() + " dead-lettered", reason);
            } else if (reason == null || reason.isBlank()) {
                problems.add(input.kind() + " dead-lettered without a reason", from);
            } else if (!asReceived(input, dead)) {
                problems.add(input.kind() + " dead-lettered with another key or value than it came with", text(dead, InputParser.CUT_HEADER));
            } else if (!seen.add(from)) {
                problems.add(input.kind() + " dead-lettered twice", from);
            } else {
                reasonByKind.putIfAbsent(input.kind(), reason.length() > 160 ? reason.substring(0, 160) + "…" : reason);
            }
        }
        sent.forEach((at, input) -> {
            if (input.fate() == Fate.DEAD_LETTER && !seen.contains(at)) {
                problems.add(input.kind() + " missing from the dead letters", at);
            }
        });
        assertThat(problems.summary()).as("dead letters vs the refused records (%s)", countByKind(refused, Fate.DEAD_LETTER)).isEmpty();
        assertThat(seen).hasSize(refused.size());
        return reasonByKind;
    }

    /**
     * The record as it came, or, when key and value exceed what a dead letter keeps, their start and a note of the cut
     * (a dead letter written whole would be too large to send).
     */
    private static boolean asReceived(Input input, ConsumerRecord<byte[], byte[]> dead) {
        String key = input.key() == null ? null : new String(input.key(), StandardCharsets.UTF_8);
        String deadKey = dead.key() == null ? null : new String(dead.key(), StandardCharsets.UTF_8);
        int size = (input.value() == null ? 0 : input.value().length) + (input.key() == null ? 0 : input.key().length);
        if (size <= InputParser.DEAD_LETTER_MAX_BYTES) {
            return Objects.equals(key, deadKey) && Arrays.equals(input.value(), dead.value()) && text(dead, InputParser.CUT_HEADER) == null;
        }
        return text(dead, InputParser.CUT_HEADER) != null && key.startsWith(deadKey) && dead.value() != null
                && dead.value().length + dead.key().length <= InputParser.DEAD_LETTER_MAX_BYTES
                && Arrays.equals(input.value(), 0, dead.value().length, dead.value(), 0, dead.value().length);
    }

    private static void assertErrorAlerts(List<Alert> errors, Traffic traffic) {
        Map<String, Long> byService = errors.stream().collect(Collectors.groupingBy(Alert::service, TreeMap::new, Collectors.counting()));
        assertThat(byService).as("ERROR alerts by service: min(occurrences, %d) per group", LIMIT)
                .isEqualTo(traffic.expectedErrorAlertsByService());
        assertThat(errors).extracting(Alert::id).as("alert ids").doesNotHaveDuplicates();
        assertThat(errors.stream().filter(a -> a.service().equals(Traffic.LIAR)))
                .as("a key that disagrees with the body: the body says who").extracting(Alert::instance).containsOnly(Traffic.LIAR_INSTANCE);
        assertThat(errors.stream().filter(a -> a.service().equals(Traffic.HUGE)))
                .as("a huge message is cut before it is alerted").allMatch(a -> a.text().length() < 2 * Limits.MAX_MESSAGE_CHARS);
    }

    private static Map<Coordinates, Input> send(AppConfig config, List<Input> inputs) throws Exception {
        Properties props = KafkaClients.producer(config);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * NEAR_LIMIT); // the broker's limit is the one that counts
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        Map<Coordinates, Input> sent = new ConcurrentHashMap<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Input input : inputs) {
                producer.send(new ProducerRecord<>(input.topic(), input.key(), input.value()), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, new IllegalStateException("cannot send " + input.kind(), e));
                    } else {
                        sent.put(new Coordinates(md.topic(), md.partition(), md.offset()), input);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        assertThat(sent).as("records sent").hasSize(inputs.size());
        return sent;
    }

    private static List<Alert> alerts(List<ConsumerRecord<byte[], byte[]>> records) {
        EventCodec codec = new EventCodec();
        List<Alert> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.add(codec.parseAlert(r.value()));
            } catch (Exception e) {
                throw new AssertionError("unreadable alert " + new String(r.value(), StandardCharsets.UTF_8), e);
            }
        }
        return out;
    }

    private static List<Alert> errorAlerts(List<Alert> alerts) {
        return alerts.stream().filter(a -> a.kind() == AlertKind.ERROR || a.kind() == AlertKind.ERROR_DIGEST).toList();
    }

    private static List<Alert> downs(List<Alert> alerts) {
        return alerts.stream().filter(a -> a.kind() != AlertKind.ERROR && a.kind() != AlertKind.ERROR_DIGEST).toList();
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String header) {
        Header h = r.headers().lastHeader(header);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Map<String, Long> countByKind(List<Input> inputs, Fate fate) {
        return inputs.stream().filter(i -> i.fate() == fate).collect(Collectors.groupingBy(Input::kind, TreeMap::new, Collectors.counting()));
    }

    /** Problems of one sort counted together, with the first example of each. */
    private static final class Problems {

        private final Map<String, Integer> counts = new TreeMap<>();
        private final Map<String, Object> examples = new HashMap<>();

        void add(String problem, Object example) {
            counts.merge(problem, 1, Integer::sum);
            examples.putIfAbsent(problem, example);
        }

        List<String> summary() {
            return counts.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey() + ", e.g. " + examples.get(e.getKey())).toList();
        }
    }

    /** What should become of a record: alert as usual, go to the dead letters, or be accepted although hostile. */
    private enum Fate { VALID, DEAD_LETTER, ACCEPTED }

    private record Input(String kind, String topic, byte[] key, byte[] value, Fate fate) {
    }

    /** Where a record was written; dead letters name it in their headers. */
    private record Coordinates(String topic, int partition, long offset) implements Comparable<Coordinates> {

        static Coordinates of(ConsumerRecord<byte[], byte[]> dead) {
            String topic = text(dead, InputParser.TOPIC_HEADER) != null ? text(dead, InputParser.TOPIC_HEADER) : text(dead, "__streams.errors.topic");
            String partition = text(dead, InputParser.PARTITION_HEADER) != null ? text(dead, InputParser.PARTITION_HEADER) : text(dead, "__streams.errors.partition");
            String offset = text(dead, InputParser.OFFSET_HEADER) != null ? text(dead, InputParser.OFFSET_HEADER) : text(dead, "__streams.errors.offset");
            return topic == null || partition == null || offset == null ? null
                    : new Coordinates(topic, Integer.parseInt(partition), Long.parseLong(offset));
        }

        @Override
        public int compareTo(Coordinates o) {
            int c = topic.compareTo(o.topic);
            c = c != 0 ? c : Integer.compare(partition, o.partition);
            return c != 0 ? c : Long.compare(offset, o.offset);
        }
    }

    /**
     * The records, shuffled together. Valid: {@value #GROUPS} error groups (one service each) with 1 to 10 occurrences,
     * two busy groups of {@value #BUSY} each, and {@value #BEATERS} instances beating {@value #BEATS} times each.
     * Hostile, each kind on both topics where it applies; what the contract says decides its fate:
     * <ul>
     * <li>random bytes (and empty and null values), truncated JSON, wrong types and values, invalid UTF-8 (overlong
     * forms too), nesting beyond what the app reads (10,000 causes; 10,001 levels in a heartbeat), names near the
     * broker's size limit, a key near it: refused, so dead letters (those over what a dead letter keeps: their start,
     * said so in {@link InputParser#CUT_HEADER});</li>
     * <li>an event time no Kafka record can have (years beyond four digits, before 1970): a processing step fails on
     * it, so dead letters with Kafka Streams' processing-failure headers (the README's topic table);</li>
     * <li>a message near the broker's size limit, a 9,000-deep cause chain: the contract cuts them with a marker and
     * alerts (README, limits), so accepted, in groups of their own;</li>
     * <li>a key that disagrees with the body (another instance, none, not UTF-8): the key only spreads load, the
     * body says who sent it (the topology groups and re-keys by the body), so accepted, under the body's names;</li>
     * <li>colliding ids: an event resent with its id (a spool replayed) is the same event and counts once, so
     * accepted and dropped by dedupe (its group alerts as without it); an event of another error reusing an id at
     * another time is not a resend (dedupe is by id and event time), so accepted and counted in its own group.</li>
     * </ul>
     */
    private static final class Traffic {

        static final int GROUPS = 40;
        static final int BUSY = 150;
        static final int BEATERS = 10;
        static final int BEATS = 30;
        static final String LIAR = "acc-liar";
        static final String LIAR_INSTANCE = "liar-1";
        static final String HUGE = "acc-huge";
        static final String DEEP = "acc-deep";
        static final String OUT_OF_TIME = "acc-out-of-time";
        static final String COLLIDE = "acc-collide";
        static final String BEATING_LIAR = "beat-liar";
        private static final byte[][] INVALID_UTF8 = {
                {(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0x80}, // never in UTF-8; a lone continuation byte
                {(byte) 0xE2, (byte) 0x82}, // a sequence cut short
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
                {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // five bytes
                {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // '/' overlong
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
        };

        private final Topics topics;
        private final Random random;
        private final EventCodec codec = new EventCodec();
        private final ObjectMapper mapper = codec.mapper();
        private final Instant base = Instant.now().minusSeconds(120);
        private final List<Input> inputs = new ArrayList<>();
        private final Map<String, Long> expectedErrorAlerts = new TreeMap<>();
        private final List<String> expectedDowns = new ArrayList<>();
        private final List<ExceptionEvent> validErrors = new ArrayList<>();
        private int n;

        Traffic(Topics topics, Random random) {
            this.topics = topics;
            this.random = random;
        }

        Map<String, Long> expectedErrorAlertsByService() {
            return expectedErrorAlerts;
        }

        long expectedErrorAlerts() {
            return expectedErrorAlerts.values().stream().mapToLong(Long::longValue).sum();
        }

        List<String> expectedDowns() {
            return expectedDowns;
        }

        List<Input> build() {
            validErrors();
            validHeartbeats();
            acceptedHostile();
            truncated(1_500, 1_200);
            wrongTypes(1_200, 1_000);
            invalidUtf8(600, 400);
            tooDeep(20, 10);
            tooLarge(8, 8);
            randomBytes(HOSTILE - (int) inputs.stream().filter(i -> i.fate() != Fate.VALID).count());
            Collections.shuffle(inputs, random);
            return inputs;
        }

        private void validErrors() {
            for (int g = 0; g < GROUPS + 2; g++) {
                String service = g < GROUPS ? "svc-" + g : "busy-" + (g - GROUPS);
                int occurrences = g < GROUPS ? g % 10 + 1 : BUSY;
                for (int i = 0; i < occurrences; i++) {
                    ExceptionEvent e = error(service, service + "-" + i % 3, base.plusMillis(i * 10L), "boom", null);
                    validErrors.add(e);
                    add("valid error", topics.errors(), e.key(), codec.write(e), Fate.VALID);
                    if (occurrences < LIMIT) {
                        // resent as an agent replaying its spool would: an extra alert would show if it counted again
                        add("colliding id (resent)", topics.errors(), e.key(), codec.write(e), Fate.ACCEPTED);
                    }
                }
                expect(service, occurrences);
            }
        }

        private void validHeartbeats() {
            for (int b = 0; b < BEATERS; b++) {
                String service = "beat-" + b / 2;
                String instance = service + "-" + b % 2; // two a service: fewer than heartbeat.group.min, one alert each
                for (int i = 0; i < BEATS; i++) {
                    add("valid heartbeat", topics.heartbeats(), Keys.of(service, instance), codec.write(beat(service, instance)), Fate.VALID);
                }
                expectedDowns.add(Keys.of(service, instance));
            }
        }

        private void acceptedHostile() {
            for (int i = 0; i < 6; i++) {
                add("message near the size limit", topics.errors(), "acc/huge",
                        padded(errorJson(error(HUGE, "huge-1", base.plusMillis(i), "@@PAD@@", null)), NEAR_LIMIT), Fate.ACCEPTED);
                add("9,000 causes deep", topics.errors(), "acc/deep",
                        deepCauses(error(DEEP, "deep-1", base.plusMillis(i), "deep", null), 9_000), Fate.ACCEPTED);
            }
            expect(HUGE, 6);
            expect(DEEP, 6);
            byte[][] lyingKeys = {bytes("ghost/ghost-1"), null, INVALID_UTF8[0], bytes(""), bytes("svc-0/svc-0-1"),
                    bytes("k".repeat(10_000)), bytes("no-separator")};
            for (int i = 0; i < lyingKeys.length; i++) {
                ExceptionEvent e = error(LIAR, LIAR_INSTANCE, base.plusMillis(i), "liar", null);
                inputs.add(new Input("key disagrees with the body", topics.errors(), lyingKeys[i], codec.write(e), Fate.ACCEPTED));
                if (i < 6) {
                    HeartbeatEvent beat = beat(BEATING_LIAR, "liar-0");
                    inputs.add(new Input("key disagrees with the body", topics.heartbeats(), lyingKeys[(i + 1) % lyingKeys.length],
                            codec.write(beat), Fate.ACCEPTED));
                }
            }
            expect(LIAR, lyingKeys.length);
            expectedDowns.add(Keys.of(BEATING_LIAR, "liar-0"));
            for (int i = 0; i < 3; i++) {
                ExceptionEvent e = error(COLLIDE, "collide-1", base.plusSeconds(30 + i), "collide", validErrors.get(i * 7).id());
                add("colliding id (another event)", topics.errors(), e.key(), codec.write(e), Fate.ACCEPTED);
            }
            expect(COLLIDE, 3);
        }

        private void truncated(int errors, int heartbeats) {
            for (int i = 0; i < errors + heartbeats; i++) {
                boolean error = i < errors;
                byte[] json = error ? codec.write(hostileError("truncated")) : codec.write(beat("hostile-truncated", "h-1"));
                refuse("truncated JSON", error, Arrays.copyOf(json, 1 + random.nextInt(json.length - 1)));
            }
        }

        private void wrongTypes(int errors, int heartbeats) {
            List<Consumer<ObjectNode>> errorMutations = List.of(
                    m("version", "\"1\""), m("version", "1.5"), m("version", "2"), m("timestamp", "1704067200000"),
                    m("timestamp", "\"yesterday\""),
                    m("id", "42"), m("id", "[\"x\"]"), m("service", "true"), m("service", "null"), m("service", "\"a/b\""),
                    m("instance", "{}"), m("environment", "\" \""), m("exception", "\"boom\""), m("type", "\"heartbeat\""),
                    m("count", "\"many\""), m("count", "-3"), m("count", "1.5"), m("count", "1e30"), m("fingerprint", "\"x\""),
                    m("fingerprint", "[]"), m("fingerprint", "[1]"), m("tags", "[1,2]"), m("tags", "{\"a\":{\"b\":1}}"),
                    m("request", "\"GET /\""), m("category", "{\"a\":1}"),
                    x(e -> e.put("type", 7)), x(e -> e.set("frames", json("[\"a.B.m\"]"))), x(e -> e.set("message", json("{\"a\":1}"))),
                    x(e -> e.put("cause", "oops")), x(e -> e.set("cause", json("{\"message\":\"no type\"}"))),
                    x(e -> ((ObjectNode) e.get("frames").get(0)).put("line", "ten")),
                    x(e -> ((ObjectNode) e.get("frames").get(0)).put("inApp", "yes")),
                    x(e -> ((ObjectNode) e.get("frames").get(0)).put("line", 99_999_999_999L)));
            List<Consumer<ObjectNode>> beatMutations = List.of(
                    m("intervalMs", "\"1000\""), m("intervalMs", "0"), m("intervalMs", "1.5"), m("intervalMs", "99999999999999999999"),
                    m("status", "\"DOWN\""), m("status", "1"), m("status", "\"up\""), m("load", "{\"cpu\":\"high\"}"),
                    m("load", "[1]"), m("address", "{\"h\":1}"), m("agent", "{\"sent\":\"x\"}"), m("agent", "[1]"),
                    m("version", "\"1\""), m("service", "5"), m("type", "\"exception\""), m("timestamp", "null"));
            List<String> notObjects = List.of("[]", "\"x\"", "42", "null", "true", "{}");
            List<String> outOfRange = List.of("-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "1900-01-01T00:00:00Z",
                    "1969-12-31T23:59:59.999Z");
            int outOfRangeTimes = 0;
            for (int i = 0; i < errors + heartbeats; i++) {
                boolean error = i < errors;
                if (error && i % 10 == 5) {
                    // a time no Kafka record can carry (before 1970, or past what a long holds in ms): a sender's clock
                    // gone wrong must not cost the error, so it counts at its record time, like a time too far ahead
                    ObjectNode root = mapper.valueToTree(error(OUT_OF_TIME, "t-1", base, "clock gone wrong", null));
                    root.put("timestamp", outOfRange.get(i / 10 % outOfRange.size()));
                    add("timestamp out of range", topics.errors(), Keys.of(OUT_OF_TIME, "t-1"), write(root), Fate.ACCEPTED);
                    outOfRangeTimes++;
                    continue;
                }
                if (i % 10 == 0) {
                    refuse("wrong types", error, bytes(notObjects.get(i / 10 % notObjects.size())));
                    continue;
                }
                ObjectNode root = mapper.valueToTree(error ? hostileError("wrong-types") : beat("hostile-types", "h-1"));
                List<Consumer<ObjectNode>> mutations = error ? errorMutations : beatMutations;
                mutations.get(i % mutations.size()).accept(root);
                refuse("wrong types", error, write(root));
            }
            expect(OUT_OF_TIME, outOfRangeTimes);
        }

        private void invalidUtf8(int errors, int heartbeats) {
            for (int i = 0; i < errors + heartbeats; i++) {
                boolean error = i < errors;
                ObjectNode root = mapper.valueToTree(error ? hostileError("utf8") : beat("hostile-utf8", "h-1"));
                if (i % 3 == 0) {
                    root.put("@@BAD@@", "in a field name");
                } else {
                    root.put("instance", "h-@@BAD@@");
                }
                refuse("invalid UTF-8", error, splice(write(root), "@@BAD@@", INVALID_UTF8[i % INVALID_UTF8.length]));
            }
        }

        private void tooDeep(int errors, int heartbeats) {
            for (int i = 0; i < errors; i++) {
                refuse("10,000 causes deep", true, deepCauses(hostileError("deep"), 10_000));
            }
            for (int i = 0; i < heartbeats; i++) {
                ObjectNode root = mapper.valueToTree(beat("hostile-deep", "h-1"));
                root.put("load", "@@DEEP@@");
                String deep = "{\"a\":".repeat(10_001) + "1" + "}".repeat(10_001);
                refuse("10,001 levels deep", false, bytes(new String(write(root), StandardCharsets.UTF_8).replace("\"@@DEEP@@\"", deep)));
            }
        }

        private void tooLarge(int errors, int heartbeats) {
            for (int i = 0; i < errors; i++) {
                ObjectNode root = mapper.valueToTree(hostileError("large"));
                root.put(i % 2 == 0 ? "id" : "service", "@@PAD@@");
                refuse("name near the size limit", true, padded(write(root), NEAR_LIMIT));
            }
            for (int i = 0; i < heartbeats; i++) {
                ObjectNode root = mapper.valueToTree(beat("hostile-large", "h-1"));
                root.put(i % 2 == 0 ? "address" : "instance", "@@PAD@@");
                refuse("name near the size limit", false, padded(write(root), NEAR_LIMIT));
            }
            for (int i = 0; i < 4; i++) {
                // the key near the limit, of a record refused for its value
                add("key near the size limit", i % 2 == 0 ? topics.errors() : topics.heartbeats(), "k".repeat(NEAR_LIMIT - 100),
                        bytes("{\"type\":\"oops\"}"), Fate.DEAD_LETTER);
            }
        }

        private void randomBytes(int count) {
            for (int i = 0; i < count; i++) {
                byte[] value = i % 100 == 0 ? null : new byte[i % 100 == 1 ? 0 : 1 + random.nextInt(300)];
                if (value != null) {
                    random.nextBytes(value);
                }
                refuse("random bytes", i % 2 == 0, value);
            }
        }

        private void refuse(String kind, boolean error, byte[] value) {
            String service = error ? "hostile-e" : "hostile-h";
            add(kind, error ? topics.errors() : topics.heartbeats(), Keys.of(service, "h-" + n % 7), value, Fate.DEAD_LETTER);
        }

        private void add(String kind, String topic, String key, byte[] value, Fate fate) {
            n++;
            inputs.add(new Input(kind, topic, bytes(key), value, fate));
        }

        private void expect(String service, int occurrences) {
            expectedErrorAlerts.put(service, (long) Math.min(occurrences, LIMIT));
        }

        private ExceptionEvent hostileError(String what) {
            // a service of its own: were it alerted, the alert would show up among the unexpected
            return error("hostile-" + what, "h-1", base, "hostile", null);
        }

        private ExceptionEvent error(String service, String instance, Instant at, String message, String id) {
            return new ExceptionEvent("exception", 1, id != null ? id : "ev-" + n + "-" + random.nextLong(), at, service, instance,
                    "prod", "RUNTIME", new ExceptionInfo("java.lang.IllegalStateException", message,
                    List.of(new Frame("com.acme." + service.replace('-', '_') + ".Handler", "handle", "Handler.java", 42, true)), null),
                    null, Map.of(), null, 1);
        }

        private static HeartbeatEvent beat(String service, String instance) {
            return new HeartbeatEvent("heartbeat", 1, Instant.now(), service, instance, "prod", null, 1_000,
                    HeartbeatEvent.Status.UP, Map.of("cpu", 0.5));
        }

        private byte[] errorJson(ExceptionEvent e) {
            return codec.write(e);
        }

        /** The event with a chain of {@code depth} causes under its exception, written as text (no recursion). */
        private byte[] deepCauses(ExceptionEvent e, int depth) {
            ObjectNode root = mapper.valueToTree(e);
            ((ObjectNode) root.get("exception")).put("cause", "@@CAUSES@@");
            String chain = "{\"type\":\"java.lang.RuntimeException\",\"cause\":".repeat(depth) + "null" + "}".repeat(depth);
            return bytes(new String(write(root), StandardCharsets.UTF_8).replace("\"@@CAUSES@@\"", chain));
        }

        /** The JSON with its {@code @@PAD@@} replaced by as many 'x' as make it {@code size} bytes. */
        private static byte[] padded(byte[] json, int size) {
            String text = new String(json, StandardCharsets.UTF_8);
            return bytes(text.replace("@@PAD@@", "x".repeat(size - (json.length - "@@PAD@@".length()))));
        }

        /** The JSON with its ASCII {@code marker} replaced by raw bytes. */
        private static byte[] splice(byte[] json, String marker, byte[] replacement) {
            int at = new String(json, StandardCharsets.ISO_8859_1).indexOf(marker);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(json, 0, at);
            out.writeBytes(replacement);
            out.write(json, at + marker.length(), json.length - at - marker.length());
            return out.toByteArray();
        }

        private byte[] write(JsonNode node) {
            try {
                return mapper.writeValueAsBytes(node);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static JsonNode json(String text) {
            try {
                return new ObjectMapper().readTree(text);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] bytes(String s) {
            return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
        }

        /** The top-level field set to the JSON text: a change the contract refuses. */
        private static Consumer<ObjectNode> m(String field, String jsonValue) {
            return root -> root.set(field, json(jsonValue));
        }

        /** A change to the top exception that the contract refuses. */
        private static Consumer<ObjectNode> x(Consumer<ObjectNode> change) {
            return root -> change.accept((ObjectNode) root.get("exception"));
        }
    }

    /** Whether the app has read all its input and its output has stopped growing since (for a failure that says why). */
    private static final class Progress {

        private final String bootstrapServers;
        private final String groupId;
        private final List<String> inputs;
        private long lastCount = -1;
        private long lastChange;

        Progress(String bootstrapServers, String groupId, List<String> inputs) {
            this.bootstrapServers = bootstrapServers;
            this.groupId = groupId;
            this.inputs = inputs;
        }

        boolean settled(long outputs) throws Exception {
            long now = System.nanoTime();
            if (outputs != lastCount) {
                lastCount = outputs;
                lastChange = now;
                return false;
            }
            return now - lastChange > Slowness.scale(Duration.ofSeconds(10)).toNanos() && inputConsumed();
        }

        private boolean inputConsumed() throws Exception {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (String topic : inputs) {
                    admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                            .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                }
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue().offset());
            }
        }
    }

    /** Follows a topic from its start (read_committed); each poll adds what has come since. */
    private static final class Tail implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

        Tail(String bootstrapServers, String topic) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrapServers);
            p.put("isolation.level", "read_committed");
            p.put("enable.auto.commit", "false");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        List<ConsumerRecord<byte[], byte[]>> poll() {
            for (ConsumerRecords<byte[], byte[]> got = consumer.poll(Duration.ofMillis(200)); !got.isEmpty();
                 got = consumer.poll(Duration.ofMillis(50))) {
                got.forEach(records::add);
            }
            return records;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /**
     * Watches for task restarts after the start: a failed stream thread (replaced under a new name, and counted by the
     * client's {@code failed-stream-threads}), a task closed (a corrupted task is closed dirty and revived, which
     * counts in {@code task-closed-total}), or the client leaving RUNNING (sampled all along).
     */
    private static final class RestartWatch implements AutoCloseable {

        private final KafkaStreams streams;
        private final Set<String> threadsAtStart;
        private final Map<String, Set<String>> tasksAtStart;
        private final Set<KafkaStreams.State> states = ConcurrentHashMap.newKeySet();
        private final Set<String> threadsSeen = ConcurrentHashMap.newKeySet();
        private final Thread sampler;
        private volatile boolean running = true;

        RestartWatch(KafkaStreams streams) {
            this.streams = streams;
            this.tasksAtStart = tasks();
            this.threadsAtStart = tasksAtStart.keySet();
            assertThat(streams.metrics().keySet()).extracting(MetricName::name).as("the metrics watched")
                    .contains("task-closed-total", "failed-stream-threads");
            assertThat(metric("task-closed-total") + metric("failed-stream-threads")).as("restarts before the traffic").isZero();
            sampler = new Thread(() -> {
                while (running) {
                    states.add(streams.state());
                    threadsSeen.addAll(tasks().keySet());
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "restart-watch");
            sampler.setDaemon(true);
            sampler.start();
        }

        private Map<String, Set<String>> tasks() {
            Map<String, Set<String>> out = new TreeMap<>();
            for (ThreadMetadata t : streams.metadataForLocalThreads()) {
                out.put(t.threadName(), t.activeTasks().stream().map(m -> m.taskId().toString()).collect(Collectors.toCollection(TreeSet::new)));
            }
            return out;
        }

        private double metric(String name) {
            double sum = 0;
            for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
                if (m.getKey().name().equals(name) && m.getValue().metricValue() instanceof Number v) {
                    sum += v.doubleValue();
                }
            }
            return sum;
        }

        long restarts() {
            return (long) (metric("task-closed-total") + metric("failed-stream-threads"));
        }

        void assertNone() {
            assertThat(metric("failed-stream-threads")).as("stream threads that failed").isZero();
            assertThat(metric("task-closed-total")).as("tasks closed (a restarted task is closed first)").isZero();
            assertThat(tasks()).as("threads and their tasks, before and after").isEqualTo(tasksAtStart);
            assertThat(threadsSeen).as("stream threads seen meanwhile").isEqualTo(threadsAtStart);
            assertThat(states).as("client states seen meanwhile").containsOnly(KafkaStreams.State.RUNNING);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.join();
        }
    }

}
