package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tocsin.app.TocsinApp;
import io.tocsin.app.TopicProvisioner;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.delivery.AlertNotifier;
import io.tocsin.delivery.AlertSink;
import io.tocsin.delivery.AlertSinks;
import io.tocsin.delivery.DeliveredIds;
import io.tocsin.delivery.DeliveryResult;
import io.tocsin.history.DeliveryState;
import io.tocsin.history.DeliveryUpdate;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.Topics;
import io.tocsin.testing.ScaledTimeout;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The notifier on its own, against the embedded broker and the local Slack stand-in: nothing it reads is skipped,
 * nothing delivered is posted again, and readiness follows its thread. Each test has its own topic prefix and group.
 */
@ScaledTimeout(seconds = 180)
class AlertNotifierIT {

    private static EmbeddedKafkaBroker broker;
    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startOnFreePort();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aRecordThatCannotBeReadOrPostedGoesToUndeliveredAndEveryOtherRecordIsDelivered() throws Exception {
        try (RecordingSlack slack = new RecordingSlack()) {
            AppConfig config = config("poison", slack);
            Topics topics = new Topics(config.topicPrefix());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
                 AlertNotifier notifier = notifier(config, producer, sink -> new ThrowsOnTitle(sink, "poison")).start()) {
                send(producer, topics, alert("p-1", "first"));
                send(producer, topics, "{\"id\":\"future-1\",\"kind\":\"SOMETHING_NEWER\",\"service\":\"x\"}".getBytes(StandardCharsets.UTF_8));
                send(producer, topics, "not json at all".getBytes(StandardCharsets.UTF_8));
                send(producer, topics, alert("p-2", "poison"));
                for (int i = 3; i <= 6; i++) {
                    send(producer, topics, alert("p-" + i, "after " + i));
                }
                await("every readable, postable alert delivered", Duration.ofSeconds(60))
                        .until(() -> slack.posts().stream().filter(p -> p.body().contains("tocsin:")).count() >= 5);
                await("three records set aside with a reason", Duration.ofSeconds(30))
                        .until(() -> Apps.records(broker.bootstrapServers(), topics.alertsUndelivered()).size() >= 3);
                assertThat(notifier.healthy()).isTrue();
            }
            List<String> reasons = Apps.records(broker.bootstrapServers(), topics.alertsUndelivered()).stream()
                    .map(r -> new String(r.headers().lastHeader(AlertNotifier.REASON_HEADER).value(), StandardCharsets.UTF_8))
                    .toList();
            assertThat(reasons).hasSize(3);
            assertThat(reasons.get(0)).startsWith("unreadable alert");
            assertThat(reasons.get(1)).startsWith("unreadable alert");
            assertThat(reasons.get(2)).contains("could not be tried").contains("poisoned");
            for (String id : List.of("p-1", "p-3", "p-4", "p-5", "p-6")) {
                assertThat(slack.postsContaining("tocsin:" + id)).as(id).hasSize(1);
                assertThat(decisions(topics, id)).extracting(DeliveryUpdate::state).as(id)
                        .containsExactly(DeliveryState.WAITING, DeliveryState.DELIVERED);
            }
            DeliveryUpdate refused = decisions(topics, "p-2").get(decisions(topics, "p-2").size() - 1);
            assertThat(refused.state()).isEqualTo(DeliveryState.REFUSED);
            assertThat(refused.detail()).contains("could not be tried");
        }
    }

    @Test
    void anAlertAPeerDeliveredAfterThisNotifierStartedIsNotPostedAgain() throws Exception {
        try (RecordingSlack slack = new RecordingSlack()) {
            AppConfig config = config("peer", slack);
            Topics topics = new Topics(config.topicPrefix());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
                 AlertNotifier notifier = notifier(config, producer, UnaryOperator.identity()).start()) {
                send(producer, topics, alert("warm-up", "warm-up"));
                await("the notifier runs", Duration.ofSeconds(30)).until(() -> !slack.postsContaining("tocsin:warm-up").isEmpty());
                // a peer posted this alert and recorded it, then its partition moved here before the commit
                producer.send(new ProducerRecord<>(topics.alertsDelivered(), "peer-posted", "default".getBytes(StandardCharsets.UTF_8))).get();
                send(producer, topics, alert("peer-posted", "posted by the peer"));
                send(producer, topics, alert("after-peer", "control"));
                await("the control posted", Duration.ofSeconds(30)).until(() -> !slack.postsContaining("tocsin:after-peer").isEmpty());
            }
            assertThat(slack.postsContaining("tocsin:peer-posted")).isEmpty();
            assertThat(decisions(topics, "peer-posted")).extracting(DeliveryUpdate::state).last().isEqualTo(DeliveryState.DELIVERED);
        }
    }

    @Test
    void twoCopiesOfOneAlertWaitingTogetherArePostedOnce() throws Exception {
        try (RecordingSlack slack = new RecordingSlack()) {
            AppConfig config = config("copies", slack);
            Topics topics = new Topics(config.topicPrefix());
            slack.answer(() -> 503);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
                 AlertNotifier notifier = notifier(config, producer, UnaryOperator.identity()).start()) {
                send(producer, topics, alert("twice", "one alert"));
                send(producer, topics, alert("twice", "one alert"));
                await("both wait while Slack is down", Duration.ofSeconds(30)).until(() -> slack.refused().size() >= 2);
                slack.answer(() -> 200);
                send(producer, topics, alert("after-copies", "control"));
                await("the control posted", Duration.ofSeconds(60)).until(() -> !slack.postsContaining("tocsin:after-copies").isEmpty());
            }
            assertThat(slack.postsContaining("tocsin:twice")).hasSize(1);
        }
    }

    @Test
    void deliveredIdsKeepAtMostTheirCapacityNewestFirst() throws Exception {
        AppConfig config = config("capacity", null);
        Topics topics = new Topics(config.topicPrefix());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
             DeliveredIds ids = new DeliveredIds(topics.alertsDelivered(), producer, KafkaClients.notifierConsumer(config),
                     Topics.DELIVERED_RETENTION, 3)) {
            ids.record(List.of("a", "b", "c", "d", "e"), "default");
            assertThat(List.of("a", "b", "c", "d", "e")).filteredOn(ids::contains).containsExactly("c", "d", "e");
            ids.catchUp(Duration.ofSeconds(30));
            assertThat(List.of("a", "b", "c", "d", "e")).filteredOn(ids::contains).containsExactly("c", "d", "e");
        }
    }

    @Test
    void aNotifierWhoseThreadDiedMakesTheAppUnready() throws Exception {
        try (RecordingSlack slack = new RecordingSlack()) {
            AppConfig config = config("ready", slack);
            Topics topics = new Topics(config.topicPrefix());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
                 AlertNotifier notifier = notifier(config, producer, sink -> new ThrowsOnTitle(sink, "fatal")).start()) {
                assertThat(notifier.healthy()).isTrue();
                send(producer, topics, alert("fatal-1", "fatal"));
                await("the notifier's thread died", Duration.ofSeconds(30)).dontCatchUncaughtExceptions().until(() -> !notifier.healthy());
            }
            try (TocsinApp app = Apps.start(config)) {
                await("ready", Duration.ofSeconds(30)).until(() -> ready(app).statusCode() == 200);
                app.notifier().close();
                HttpResponse<String> after = ready(app);
                assertThat(after.statusCode()).isEqualTo(503);
                assertThat(codec.mapper().readTree(after.body()).path("notifier").asText()).isEqualTo("STOPPED");
            }
        }
    }

    /** Wraps a real sink; an alert with this title makes it throw (an Error when the title is "fatal"). */
    private record ThrowsOnTitle(AlertSink real, String title) implements AlertSink {
        @Override
        public DeliveryResult deliver(List<Alert> alerts) {
            if (alerts.stream().anyMatch(a -> title.equals(a.title()))) {
                if (title.equals("fatal")) {
                    throw new AssertionError("a fatal error in the sink");
                }
                throw new IllegalStateException("poisoned: cannot render");
            }
            return real.deliver(alerts);
        }

        @Override
        public String describe() {
            return real.describe();
        }
    }

    private AppConfig config(String name, RecordingSlack slack) {
        AppConfig config = Apps.config(broker, slack, new HashMap<>(Map.of("application.id", "tocsin-notifier-" + name,
                "topic.prefix", "n-" + name + ".", "topic.partitions", "1", "slack.route.interval", "100ms")));
        TopicProvisioner.ensure(config);
        return config;
    }

    private static AlertNotifier notifier(AppConfig config, KafkaProducer<String, byte[]> producer, UnaryOperator<AlertSink> wrap) {
        Map<String, AlertSink> sinks = new HashMap<>();
        AlertSinks.forRoutes(config, new PrintStream(OutputStream.nullOutputStream())).forEach((route, sink) -> sinks.put(route, wrap.apply(sink)));
        return AlertNotifier.forConfig(config, producer, sinks, new SimpleMeterRegistry());
    }

    private byte[] alert(String id, String title) {
        Alert a = Alert.notice(id, new Alert.Subject("k-" + id, "notifier-svc", "prod", "notifier-svc-1"), Instant.now(), title, "detail");
        return codec.write(a);
    }

    private static void send(KafkaProducer<String, byte[]> producer, Topics topics, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topics.alerts(), "k", value)).get();
    }

    /** What the notifier recorded of one alert on tocsin.alert-deliveries, in order. */
    private List<DeliveryUpdate> decisions(Topics topics, String id) {
        return Apps.records(broker.bootstrapServers(), topics.alertDeliveries()).stream().map(r -> {
            try {
                return codec.mapper().readValue(r.value(), DeliveryUpdate.class);
            } catch (java.io.IOException e) {
                throw new AssertionError("unreadable delivery record", e);
            }
        }).filter(u -> u.id().equals(id)).toList();
    }

    private static HttpResponse<String> ready(TocsinApp app) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
