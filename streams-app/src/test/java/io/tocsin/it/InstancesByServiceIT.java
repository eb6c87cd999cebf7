package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 1: {@code GET /api/instances?service=S} must list every live instance of S (and only S's) while they
 * beat, least loaded first, with one streams-app instance and with two sharing the work. The per-service answer is a
 * key-prefix scan ({@code S/}) of the registry store, so the services are chosen to give it neighbours: with 3
 * partitions {@code hb-chat}, {@code hb-orders} and {@code hb-chat-push} share one store, and {@code hb-chat-admin}
 * and {@code hb-chat-push} start with {@code hb-chat} (their keys sort just before {@code hb-chat/}). Their loads are
 * the lowest, so an instance of theirs leaking into {@code hb-chat}'s answer would also change its best.
 */
@ScaledTimeout(seconds = 240)
class InstancesByServiceIT {

    /** service -> instance -> load ("connections"), in the order every round beats them. */
    private static final Map<String, Map<String, Double>> BEATING = new LinkedHashMap<>();

    static {
        BEATING.put("hb-chat", ordered("hb-chat-1", 5.0, "hb-chat-2", 1.0, "hb-chat-3", 3.0));
        BEATING.put("hb-chat-admin", ordered("hb-chat-admin-1", 0.7, "hb-chat-admin-2", 0.2));
        BEATING.put("hb-orders", ordered("hb-orders-1", 4.0, "hb-orders-2", 6.0));
        BEATING.put("hb-chat-push", ordered("hb-chat-push-1", 0.1));
    }

    /** Least loaded first, as the API must answer. */
    private static final Map<String, List<String>> EXPECTED = Map.of(
            "hb-chat", List.of("hb-chat-2", "hb-chat-3", "hb-chat-1"),
            "hb-chat-admin", List.of("hb-chat-admin-2", "hb-chat-admin-1"),
            "hb-orders", List.of("hb-orders-1", "hb-orders-2"),
            "hb-chat-push", List.of("hb-chat-push-1"));

    private static final int ALL = 8;

    private static final int QUERY_ROUNDS = 25;

    private final EventCodec codec = new EventCodec();

    @Test
    void perServiceListsEveryInstanceOfTheServiceLeastLoadedFirstWhileTheyBeat() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            AppConfig config = Apps.config(broker, null, settings("tocsin-instances-by-service-it", "ibs1."));
            try (TocsinApp app = Apps.start(config);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
                beatWhileQuerying(config, producer, List.of(app));
            }
        }
    }

    @Test
    void perServiceListsEveryInstanceOfTheServiceWhenTwoAppInstancesShareTheWork() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            Map<String, String> shared = settings("tocsin-instances-by-service-shared-it", "ibs2.");
            AppConfig first = Apps.config(broker, null, shared);
            AppConfig second = Apps.config(broker, null, shared);
            try (TocsinApp a = Apps.start(first); TocsinApp b = Apps.start(second);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(first))) {
                Apps.awaitWorkShared(a, b);
                beatWhileQuerying(first, producer, List.of(a, b));
            }
        }
    }

    private static Map<String, String> settings(String applicationId, String prefix) {
        // a generous timeout: a beating loop stalled by a loaded machine must not look like an outage
        return Map.of("application.id", applicationId, "topic.prefix", prefix, "topic.partitions", "3",
                "heartbeat.timeout", Waits.configDuration(Duration.ofSeconds(30)));
    }

    /**
     * Beats every instance every ~400 ms from a background thread; once every instance is listed, queries each app
     * {@value #QUERY_ROUNDS} times spread over the beating and checks every answer (not only the last one).
     */
    private void beatWhileQuerying(AppConfig config, KafkaProducer<String, byte[]> producer, List<TocsinApp> apps) throws Exception {
        AtomicBoolean beating = new AtomicBoolean(true);
        AtomicInteger rounds = new AtomicInteger();
        ExecutorService beater = Executors.newSingleThreadExecutor(r -> new Thread(r, "it-beater"));
        Future<?> beats = beater.submit(() -> {
            while (beating.get()) {
                for (var service : BEATING.entrySet()) {
                    for (var instance : service.getValue().entrySet()) {
                        HeartbeatEvent beat = new HeartbeatEvent("heartbeat", 1, Instant.now(), service.getKey(),
                                instance.getKey(), "prod", "127.0.0.1:1", 400, HeartbeatEvent.Status.UP,
                                Map.of("connections", instance.getValue()));
                        producer.send(new ProducerRecord<>(config.topicPrefix() + "heartbeats", beat.key(), codec.write(beat))).get();
                    }
                }
                rounds.incrementAndGet();
                Thread.sleep(400);
            }
            return null;
        });
        try {
            for (TocsinApp app : apps) {
                await("all " + ALL + " instances listed via port " + app.httpPort(), Duration.ofSeconds(60))
                        .until(() -> instances(app, "").size() == ALL);
            }
            List<String> wrong = new ArrayList<>();
            int queries = 0;
            int roundsAtStart = rounds.get();
            for (int i = 0; i < QUERY_ROUNDS; i++) {
                TocsinApp app = apps.get(i % apps.size());
                for (String service : BEATING.keySet()) {
                    List<String> listed = instances(app, "?service=" + service);
                    queries++;
                    if (!listed.equals(EXPECTED.get(service))) {
                        wrong.add("query " + i + " via port " + app.httpPort() + ": ?service=" + service + " listed " + listed
                                + ", want " + EXPECTED.get(service));
                    }
                }
                List<String> chatByLoad = instances(app, "?service=hb-chat&load=connections");
                if (!chatByLoad.equals(EXPECTED.get("hb-chat"))) {
                    wrong.add("query " + i + ": ?service=hb-chat&load=connections listed " + chatByLoad);
                }
                String best = Apps.getJson(app, "/api/instances/best?service=hb-chat").path("instance").asText();
                if (!best.equals("hb-chat-2")) {
                    wrong.add("query " + i + ": best for hb-chat is " + best + ", want hb-chat-2");
                }
                String bestAdmin = Apps.getJson(app, "/api/instances/best?service=hb-chat-admin").path("instance").asText();
                if (!bestAdmin.equals("hb-chat-admin-2")) {
                    wrong.add("query " + i + ": best for hb-chat-admin is " + bestAdmin + ", want hb-chat-admin-2");
                }
                List<String> all = instances(app, "");
                if (all.size() != ALL || all.stream().distinct().count() != ALL) {
                    wrong.add("query " + i + ": unfiltered listed " + all);
                }
                // spread the queries over the beating: ~0.5 s apart, so they land between and during writes
                Waits.letTimePass(Duration.ofMillis(500));
            }
            assertThat(beats.isDone()).as("the beating thread is still running (it fails only on a send error)").isFalse();
            assertThat(rounds.get() - roundsAtStart).as("heartbeat rounds during the queries").isGreaterThanOrEqualTo(10);
            assertThat(queries).isGreaterThanOrEqualTo(20);
            assertThat(wrong).as("answers that were not exactly the service's instances, least loaded first").isEmpty();
        } finally {
            beating.set(false);
            beater.shutdown();
            if (beats.isDone()) {
                beats.get();
            }
        }
    }

    private static List<String> instances(TocsinApp app, String query) throws Exception {
        List<String> names = new ArrayList<>();
        JsonNode list = Apps.getJson(app, "/api/instances" + query);
        list.forEach(n -> names.add(n.path("instance").asText()));
        return names;
    }

    private static Map<String, Double> ordered(String i1, double l1) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(i1, l1);
        return m;
    }

    private static Map<String, Double> ordered(String i1, double l1, String i2, double l2) {
        Map<String, Double> m = ordered(i1, l1);
        m.put(i2, l2);
        return m;
    }

    private static Map<String, Double> ordered(String i1, double l1, String i2, double l2, String i3, double l3) {
        Map<String, Double> m = ordered(i1, l1, i2, l2);
        m.put(i3, l3);
        return m;
    }
}
