package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code run} stopped with SIGTERM while it is posting an alert to a slow Slack: the post ends, is recorded and its
 * offset committed, the process exits on its own within {@code shutdown.timeout}, and the next start does not post
 * the alert again. The first run writes its log as JSON ({@code log.format=json}): every stderr line must parse, and
 * the delivery is logged once, with the alert id as a field.
 */
@ScaledTimeout(seconds = 300)
class GracefulShutdownIT {

    private static final Duration SLOW_SLACK = Duration.ofSeconds(3);
    private static final Duration BOUND = Duration.ofSeconds(20); // on a quiet machine; the config gets it scaled

    @Test
    void aSigtermWhileAPostIsInFlightEndsThePostCommitsItAndExitsWithinTheBound() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack()) {
            Path dir = Files.createTempDirectory("tocsin-shutdown-");
            Path log = dir.resolve("app.log");
            Path stderr = dir.resolve("app.stderr");
            Duration bound = Slowness.scale(BOUND);
            Map<String, String> env = Map.of("TOCSIN_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "TOCSIN_STATE_DIR", dir.resolve("state").toString(), "TOCSIN_SLACK_WEBHOOK_URL", slack.webhookUrl(),
                    "TOCSIN_TOPIC_PARTITIONS", "1", "TOCSIN_SHUTDOWN_TIMEOUT", bound.toMillis() + "ms");
            slack.answerAfter(SLOW_SLACK);

            // Given an alert being posted to a Slack that takes its time to answer
            AppProcess first = AppProcess.run(with(env, "TOCSIN_LOG_FORMAT", "json"), log, stderr);
            sendException(broker.bootstrapServers());
            await("the post in flight", Duration.ofSeconds(60)).until(() -> !slack.posts().isEmpty());
            assertThat(slack.answered()).as("answered when SIGTERM is sent").isZero();
            String id = slack.postedAlertIds().get(0);

            // When the process gets SIGTERM
            Instant termAt = Instant.now();
            first.terminate();

            // Then it exits on its own within the bound, after the post ended and was recorded and committed
            assertThat(first.process().waitFor(bound.plusSeconds(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                    .as("exited within shutdown.timeout").isTrue();
            Duration took = Duration.between(termAt, Instant.now());
            assertThat(slack.answered()).as("the post in flight was answered").isEqualTo(1);
            assertThat(Apps.records(broker.bootstrapServers(), "tocsin.alerts-delivered")).extracting(ConsumerRecord::key).contains(id);
            ConsumerRecord<String, byte[]> alert = Apps.records(broker.bootstrapServers(), "tocsin.alerts").get(0);
            assertThat(committed(broker.bootstrapServers(), new TopicPartition(alert.topic(), alert.partition())))
                    .as("the notifier's committed offset is past the alert").isGreaterThan(alert.offset());

            List<JsonNode> lines = jsonLines(stderr);
            assertThat(lines.stream().filter(l -> "delivered".equals(field(l, "decision")) && id.equals(field(l, "alert.id"))))
                    .as("one line for the delivery, with its id").singleElement()
                    .satisfies(l -> assertThat(field(l, "alert.kind")).isEqualTo("ERROR"))
                    .satisfies(l -> assertThat(field(l, "alert.route")).isEqualTo("default"));
            assertThat(lines).extracting(l -> l.path("formattedMessage").asText())
                    .anyMatch(m -> m.startsWith("stopping (at most")).anyMatch(m -> m.matches("stopped in \\d+ ms"));

            // And a restart does not post the alert again
            try (AppProcess second = AppProcess.run(env, log)) {
                Waits.letTimePass(Duration.ofSeconds(5)); // a repost would have come by now
            }
            assertThat(Collections.frequency(slack.postedAlertIds(), id)).as("posts of " + id).isEqualTo(1);
            System.out.printf("FIGURE graceful stop: SIGTERM to exit %.1f s with a post of %.1f s in flight (bound %.1f s)%n",
                    took.toMillis() / 1000.0, SLOW_SLACK.toMillis() / 1000.0, bound.toMillis() / 1000.0);
        }
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> more = new java.util.HashMap<>(env);
        more.put(key, value);
        return more;
    }

    private static void sendException(String bootstrapServers) throws Exception {
        ExceptionEvent e = new ExceptionEvent("exception", 1, "stop-" + UUID.randomUUID(), Instant.now(), "stop-svc", "stop-svc-1",
                "prod", "RUNTIME", new ExceptionInfo("java.lang.IllegalStateException", "boom",
                List.of(new Frame("com.acme.Stop", "handle", null, 1, true)), null), null, Map.of(), null, 1);
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("tocsin.errors", e.key(), new EventCodec().write(e))).get();
        }
    }

    private static long committed(String bootstrapServers, TopicPartition tp) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets("tocsin-notifier").partitionsToOffsetAndMetadata().get().get(tp);
            return o == null ? -1 : o.offset();
        }
    }

    /** Every stderr line, each of which must be one JSON object. */
    private static List<JsonNode> jsonLines(Path stderr) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(stderr)) {
            if (!line.isBlank()) {
                JsonNode node = json.readTree(line);
                assertThat(node.isObject()).as(line).isTrue();
                out.add(node);
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    /** A key-value pair of the fluent logging API, as logback's JsonEncoder writes them ({@code kvpList}). */
    private static String field(JsonNode line, String key) {
        for (JsonNode kv : line.path("kvpList")) {
            if (kv.has(key)) {
                return kv.get(key).asText();
            }
        }
        return null;
    }
}
