package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.tocsin.replay.ReplayCommand;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A scripted incident run live, then replayed with {@code streams-app.jar replay} (its command, in process): the
 * events are two hours old when produced (an agent draining its spool), one instance dies and comes back.
 */
@ScaledTimeout(seconds = 300)
class ReplayIT {

    private final EventCodec codec = new EventCodec();

    @Test
    void aReplayGivesTheLiveAlertsWritesNothingAndIsRepeatable() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            Map<String, String> settings = Map.of("application.id", "tocsin-replay-it", "topic.prefix", "rp.", "topic.partitions", "2",
                    "heartbeat.timeout", Waits.configDuration(Duration.ofSeconds(3)), "heartbeat.group.min", "1000",
                    "error.digest.max-delay", "2s");
            AppConfig config = Apps.config(broker, null, settings);
            Instant rangeStart = Instant.now().minusSeconds(5);
            try (TocsinApp app = Apps.start(config); KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
                incident(producer, config);
                await("the live alerts", Duration.ofSeconds(90)).until(() -> {
                    List<Alert> live = Apps.alerts(broker.bootstrapServers(), "rp.alerts");
                    return kinds(live, AlertKind.ERROR) == 11 && kinds(live, AlertKind.ERROR_DIGEST) == 1
                            && kinds(live, AlertKind.INSTANCE_UP) == 1;
                });
            }
            Instant rangeEnd = Instant.now();
            List<Alert> live = Apps.alerts(broker.bootstrapServers(), "rp.alerts");
            Snapshot before = Snapshot.of(broker.bootstrapServers());

            Path dir = Files.createTempDirectory("tocsin-replay-it-");
            Path props = dir.resolve("tocsin.properties");
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", broker.bootstrapServers());
            settings.forEach(p::setProperty);
            try (var out = Files.newBufferedWriter(props)) {
                p.store(out, null);
            }
            String[] range = {"--config", props.toString(), "--from", rangeStart.toString(), "--to", rangeEnd.toString()};
            assertThat(replay(range, "--out", dir.resolve("a.json").toString())).isZero();
            assertThat(replay(range, "--out", dir.resolve("b.json").toString())).isZero();
            assertThat(replay(range, "--out", dir.resolve("limit2.json").toString(), "--set", "error.alert.limit=2")).isZero();
            assertThat(replay(range, "--out", dir.resolve("report.html").toString())).isZero();
            assertThat(replay(range, "--out", dir.resolve("report.md").toString())).isZero();

            assertThat(Files.readAllBytes(dir.resolve("b.json"))).as("two replays, byte for byte").isEqualTo(Files.readAllBytes(dir.resolve("a.json")));
            JsonNode replayed = codec.mapper().readTree(dir.resolve("a.json").toFile());
            assertThat(errorIds(replayed)).as("replayed error alert ids").isEqualTo(live.stream()
                    .filter(a -> a.kind() == AlertKind.ERROR || a.kind() == AlertKind.ERROR_DIGEST).map(Alert::id).collect(Collectors.toSet()));
            assertThat(kindsIn(replayed, "INSTANCE_DOWN")).isEqualTo(1);
            assertThat(kindsIn(replayed, "INSTANCE_UP")).isEqualTo(1);
            JsonNode limit2 = codec.mapper().readTree(dir.resolve("limit2.json").toFile());
            assertThat(kindsIn(limit2, "ERROR")).as("2 per group for three groups").isEqualTo(6);
            assertThat(limit2.path("changedRules").path("error.alert.limit").toString()).isEqualTo("[\"5\",\"2\"]");
            assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg").contains("INSTANCE_DOWN").doesNotContain("<script");
            assertThat(Files.readString(dir.resolve("report.md"))).contains("## Timeline").contains("INSTANCE_UP");
            assertThat(replay(range, "--out", dir.resolve("v1.json").toString(), "--compare-fingerprints", "v1")).isZero();
            JsonNode compared = codec.mapper().readTree(dir.resolve("v1.json").toFile()).path("fingerprintComparison");
            assertThat(compared.path("candidate").asText()).isEqualTo("v1");
            assertThat(compared.path("merged")).isEmpty();
            assertThat(compared.path("split")).as("v1 kept /users/alice and /users/bob apart").singleElement()
                    .satisfies(s -> assertThat(s.path("title").asText()).contains("no such user"));

            assertThat(Snapshot.of(broker.bootstrapServers())).as("no record, topic or group written by replay").isEqualTo(before);
        }
    }

    private static int replay(String[] range, String... more) {
        List<String> args = new ArrayList<>(List.of(range));
        args.addAll(List.of(more));
        return new CommandLine(new ReplayCommand()).execute(args.toArray(String[]::new));
    }

    /** 12 occurrences of one error and 4 of another, two hours old; a web instance that beats, dies and returns. */
    private void incident(KafkaProducer<String, byte[]> producer, AppConfig config) throws Exception {
        Instant old = Instant.now().minus(Duration.ofHours(2));
        for (int i = 0; i < 12; i++) {
            send(producer, config, error("com.acme.Orders", "order not found", old.plusSeconds(10L * i), "a-" + i));
            if (i < 4) {
                send(producer, config, error("com.acme.Billing", "bad amount", old.plusSeconds(10L * i + 5), "b-" + i));
            }
        }
        for (String user : List.of("alice", "bob")) {
            ExceptionEvent e = new ExceptionEvent("exception", 1, "u-" + user, old.plusSeconds(200), "rp-orders", "rp-orders-1", "prod",
                    "RUNTIME", new ExceptionInfo("java.lang.IllegalStateException", "no such user",
                    List.of(new Frame("com.acme.Users", "find", null, 1, true)), null), new io.tocsin.model.RequestInfo("GET", "/users/" + user),
                    Map.of(), null, 1);
            send(producer, config, codec.write(e));
        }
        beat(producer, config, Duration.ofSeconds(3));
        Waits.letTimePass(Duration.ofSeconds(8)); // dead for longer than the timeout
        beat(producer, config, Duration.ofSeconds(2));
    }

    private void beat(KafkaProducer<String, byte[]> producer, AppConfig config, Duration forHowLong) throws Exception {
        long until = System.currentTimeMillis() + forHowLong.toMillis();
        while (System.currentTimeMillis() < until) {
            HeartbeatEvent beat = new HeartbeatEvent("heartbeat", 1, Instant.now(), "rp-web", "rp-web-1", "prod", null, 500,
                    HeartbeatEvent.Status.UP, Map.of());
            producer.send(new ProducerRecord<>(config.topicPrefix() + "heartbeats", beat.key(), codec.write(beat))).get();
            Thread.sleep(500);
        }
    }

    private static byte[] error(String frameClass, String message, Instant at, String id) {
        ExceptionEvent e = new ExceptionEvent("exception", 1, id, at, "rp-orders", "rp-orders-1", "prod", "RUNTIME",
                new ExceptionInfo("java.lang.IllegalStateException", message, List.of(new Frame(frameClass, "handle", null, 1, true)), null),
                null, Map.of(), null, 1);
        return new EventCodec().write(e);
    }

    private static void send(KafkaProducer<String, byte[]> producer, AppConfig config, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(config.topicPrefix() + "errors", null, value)).get();
    }

    private static long kinds(List<Alert> alerts, AlertKind kind) {
        return alerts.stream().filter(a -> a.kind() == kind).count();
    }

    private static int kindsIn(JsonNode report, String kind) {
        int n = 0;
        for (JsonNode a : report.path("alerts")) {
            n += a.path("kind").asText().equals(kind) ? 1 : 0;
        }
        return n;
    }

    private static Set<String> errorIds(JsonNode report) {
        Set<String> ids = new java.util.HashSet<>();
        for (JsonNode a : report.path("alerts")) {
            if (a.path("kind").asText().startsWith("ERROR")) {
                ids.add(a.path("id").asText());
            }
        }
        return ids;
    }

    /** Every topic's end offsets and the consumer groups, as the broker has them. */
    private record Snapshot(Map<String, Long> endOffsets, Set<String> groups) {
        static Snapshot of(String bootstrap) throws Exception {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (var d : admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values()) {
                    d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
                }
                Map<String, Long> ends = new TreeMap<>();
                admin.listOffsets(latest).all().get().forEach((tp, o) -> ends.put(tp.toString(), o.offset()));
                Set<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
                        .collect(Collectors.toCollection(java.util.TreeSet::new));
                return new Snapshot(ends, groups);
            }
        }
    }
}
