package io.tocsin.it;

import static io.tocsin.testing.Waits.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.testing.Slowness;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/** Starts real streams-app instances on an embedded broker for integration tests, and reads what they wrote. */
public final class Apps {

    private Apps() {
    }

    public static AppConfig config(EmbeddedKafkaBroker broker, RecordingSlack slack, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        try {
            settings.put("state.dir", Files.createTempDirectory("tocsin-it-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.put("http.port", "0");
        settings.put("http.bind", "127.0.0.1"); // as dev and demo: changes through the API need no token on loopback
        if (slack != null) {
            settings.put("slack.webhook.url", slack.webhookUrl());
        }
        settings.putAll(overrides);
        return AppConfig.fromMap(settings);
    }

    public static TocsinApp start(AppConfig config) {
        TocsinApp app = TocsinApp.start(config, new PrintStream(OutputStream.nullOutputStream()));
        await("streams RUNNING", Duration.ofSeconds(60)).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
        return app;
    }

    /** Waits until both instances run and each has active tasks, i.e. they share the work. */
    public static void awaitWorkShared(TocsinApp a, TocsinApp b) {
        await("work shared", Duration.ofSeconds(90)).until(() ->
                a.streams().state() == KafkaStreams.State.RUNNING && b.streams().state() == KafkaStreams.State.RUNNING
                        && !a.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty()
                        && !b.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty());
    }

    /** One exception event of {@code service} (instance {@code service-1}) thrown in {@code frameClass}, sent and acknowledged. */
    public static void sendError(KafkaProducer<String, byte[]> producer, String service, String frameClass, Instant at) throws Exception {
        ExceptionEvent e = new ExceptionEvent("exception", 1, UUID.randomUUID().toString(), at, service, service + "-1", "prod",
                "RUNTIME", new ExceptionInfo("java.lang.IllegalStateException", "boom",
                List.of(new Frame(frameClass, "handle", null, 1, true)), null), null, Map.of(), null, 1);
        producer.send(new ProducerRecord<>("tocsin.errors", e.key(), new EventCodec().write(e))).get();
    }

    /** GET a JSON answer from an app's HTTP API; anything but 200 fails. */
    public static JsonNode getJson(TocsinApp app, String path) throws Exception {
        return getJson(app.httpPort(), path);
    }

    /** GET from the HTTP API of the app (in this JVM or a child process) listening on {@code port}. */
    public static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public static JsonNode getJson(int port, String path) throws Exception {
        HttpResponse<String> r = get(port, path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return new EventCodec().mapper().readTree(r.body());
    }

    /** An error group's exception type: the start of its title ({@code "IllegalStateException: …"}). */
    public static String typeOf(String title) {
        return title.substring(0, title.indexOf(':'));
    }

    /** The occurrences the alerts carry, by exception type, in order. */
    public static Map<String, List<Integer>> occurrencesByType(List<Alert> alerts) {
        Map<String, List<Integer>> out = new java.util.TreeMap<>();
        for (Alert a : alerts) {
            out.computeIfAbsent(typeOf(a.title()), k -> new ArrayList<>()).add(a.occurrence());
        }
        out.values().forEach(l -> l.sort(null));
        return out;
    }

    /** Occurrences per exception type in an {@code /api/error-groups} answer. */
    public static Map<String, Long> countsByType(JsonNode groups) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (JsonNode g : groups) {
            out.merge(typeOf(g.path("title").asText()), g.path("totalCount").asLong(), Long::sum);
        }
        return out;
    }

    /** Every alert on the alerts topic so far (read_committed, from the beginning to the current end). */
    public static List<Alert> alerts(String bootstrapServers, String topic) {
        EventCodec codec = new EventCodec();
        List<Alert> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records(bootstrapServers, topic)) {
            try {
                out.add(codec.parseAlert(r.value()));
            } catch (Exception e) {
                throw new AssertionError("unreadable alert " + new String(r.value(), StandardCharsets.UTF_8), e);
            }
        }
        return out;
    }

    public static List<ConsumerRecord<String, byte[]>> records(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : c.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + Slowness.scale(Duration.ofSeconds(20)).toMillis();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
