package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.delivery.AlertNotifier;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slack delivery failure modes against a real local HTTP server standing in for Slack, on the embedded broker. Each
 * test runs its own app (own application id and topic prefix) so they cannot see each other's alerts.
 */
@ScaledTimeout(seconds = 180)
class SlackDeliveryIT {

    private static EmbeddedKafkaBroker broker;
    private final EventCodec codec = new EventCodec();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startOnFreePort();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private AppConfig config(String name, RecordingSlack slack, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of("application.id", "tocsin-" + name, "topic.prefix", name + ".",
                "topic.partitions", "1"));
        settings.putAll(more);
        return Apps.config(broker, slack, settings);
    }

    @Test
    void aSlackOutageDelaysButNeitherLosesNorDoublesNorReordersAlerts() throws Exception {
        try (RecordingSlack slack = new RecordingSlack()) {
            AppConfig config = config("outage", slack, Map.of());
            slack.answer(() -> 500);
            try (TocsinApp app = Apps.start(config)) {
                for (int i = 0; i < 5; i++) {
                    send(config, "out-orders", "com.acme.Same", "id-" + i);
                }
                await("attempts while Slack is down", Duration.ofSeconds(30)).until(() -> slack.refused().size() >= 2);
                slack.answer(() -> 200);
                await("all delivered after recovery", Duration.ofSeconds(60))
                        .until(() -> slack.postsContaining("out-orders").size() >= 5);
                Waits.letTimePass(Duration.ofSeconds(3));
            }
            List<String> posted = slack.postsContaining("out-orders").stream().map(p -> RecordingSlack.alertIds(p.body()).get(0)).toList();
            List<String> alerts = Apps.alerts(broker.bootstrapServers(), config.topicPrefix() + "alerts").stream().map(Alert::id).toList();
            assertThat(posted).containsExactlyElementsOf(alerts).hasSize(5);
        }
    }

    @Test
    void aRetryAfterIsHonoured() throws Exception {
        try (RecordingSlack slack = new RecordingSlack()) {
            slack.retryAfter("2");
            slack.answer(() -> slack.refused().isEmpty() ? 429 : 200);
            AppConfig config = config("ratelimit", slack, Map.of());
            try (TocsinApp app = Apps.start(config)) {
                send(config, "rl-orders", "com.acme.X", "r1");
                await("posted after the Retry-After", Duration.ofSeconds(30)).until(() -> !slack.postsContaining("rl-orders").isEmpty());
            }
            Duration gap = Duration.between(slack.refused().get(0).at(), slack.postsContaining("rl-orders").get(0).at());
            assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        }
    }

    @Test
    void aRouteSlackRefusesForGoodNeitherDelaysAnotherNorLosesItsAlert() throws Exception {
        try (RecordingSlack slack = new RecordingSlack()) {
            slack.answer("/removed-hook", 404);
            AppConfig config = config("routes", slack, Map.of("routes", "legacy", "route.legacy.match.service", "legacy-svc",
                    "route.legacy.webhook.url", slack.url("/removed-hook")));
            try (TocsinApp app = Apps.start(config)) {
                send(config, "legacy-svc", "com.acme.Old", "l1");
                send(config, "fresh-svc", "com.acme.New", "f1");
                await("the healthy route delivers", Duration.ofSeconds(30)).until(() -> !slack.postsContaining("fresh-svc").isEmpty());
                await("the refused alert is recorded", Duration.ofSeconds(30))
                        .until(() -> !Apps.records(broker.bootstrapServers(), config.topicPrefix() + "alerts-undelivered").isEmpty());
            }
            ConsumerRecord<String, byte[]> refused = Apps.records(broker.bootstrapServers(), config.topicPrefix() + "alerts-undelivered").get(0);
            assertThat(new String(refused.headers().lastHeader(AlertNotifier.REASON_HEADER).value(), StandardCharsets.UTF_8)).contains("HTTP 404");
            assertThat(new String(refused.headers().lastHeader(AlertNotifier.ROUTE_HEADER).value(), StandardCharsets.UTF_8)).isEqualTo("legacy");
            assertThat(new String(refused.value(), StandardCharsets.UTF_8)).contains("legacy-svc");
        }
    }

    @Test
    void aRestartedNotifierNeverRepostsWhatItDelivered() throws Exception {
        try (RecordingSlack slack = new RecordingSlack()) {
            Map<String, String> shared = Map.of("state.dir", java.nio.file.Files.createTempDirectory("tocsin-redeliver-").toString());
            AppConfig first = config("redeliver", slack, shared);
            try (TocsinApp app = Apps.start(first)) {
                for (int i = 0; i < 3; i++) {
                    send(first, "rd-svc", "com.acme.Rd" + i, "rd" + i);
                }
                await("three posted", Duration.ofSeconds(30)).until(() -> slack.postsContaining("rd-svc").size() == 3);
            }
            // a second deployment under a new application id re-reads every input from the start: the same input gives the
            // same alert ids, and its notifier group starts from the beginning of the alerts topic: nothing may be posted twice
            Map<String, String> again = new HashMap<>(shared);
            again.put("application.id", "tocsin-redeliver-2");
            again.put("topic.prefix", "redeliver.");
            try (TocsinApp app = Apps.start(Apps.config(broker, slack, again))) {
                await("the rerun wrote its alerts", Duration.ofSeconds(30))
                        .until(() -> Apps.alerts(broker.bootstrapServers(), "redeliver.alerts").size() == 6);
                Waits.letTimePass(Duration.ofSeconds(3));
            }
            assertThat(slack.postsContaining("rd-svc")).hasSize(3);
        }
    }

    @Test
    void silencesAndMaintenanceWindowsKeepAlertsOutOfSlackButOnTheTopic() throws Exception {
        LocalTime now = LocalTime.now(ZoneOffset.UTC);
        String window = now.minusMinutes(5).withSecond(0).withNano(0) + "-" + now.plusMinutes(30).withSecond(0).withNano(0);
        try (RecordingSlack slack = new RecordingSlack()) {
            AppConfig config = config("silences", slack, Map.of("maintenance.deploy.match.service", "maint-svc",
                    "maintenance.deploy.time", window, "maintenance.deploy.zone", "UTC"));
            try (TocsinApp app = Apps.start(config)) {
                HttpResponse<String> created = post(app, "/api/silences",
                        "{\"matchers\":{\"service\":\"quiet-svc\"},\"duration\":\"1h\",\"createdBy\":\"ops\",\"comment\":\"known issue\"}");
                assertThat(created.statusCode()).isEqualTo(201);
                String silenceId = codec.mapper().readTree(created.body()).path("id").asText();
                await("silence visible", Duration.ofSeconds(20)).until(() -> get(app, "/api/silences").contains(silenceId));

                send(config, "quiet-svc", "com.acme.Q", "q1");
                send(config, "maint-svc", "com.acme.M", "m1");
                send(config, "loud-svc", "com.acme.L", "l1");
                await("the unsilenced alert posted", Duration.ofSeconds(30)).until(() -> !slack.postsContaining("loud-svc").isEmpty());
                Waits.letTimePass(Duration.ofSeconds(2));
                assertThat(slack.postsContaining("quiet-svc")).isEmpty();
                assertThat(slack.postsContaining("maint-svc")).isEmpty();
                List<Alert> alerts = Apps.alerts(broker.bootstrapServers(), config.topicPrefix() + "alerts");
                assertThat(alerts).filteredOn(a -> a.service().equals("quiet-svc")).singleElement()
                        .satisfies(a -> assertThat(a.silencedBy()).isEqualTo("silence:" + silenceId));
                assertThat(alerts).filteredOn(a -> a.service().equals("maint-svc")).singleElement()
                        .satisfies(a -> assertThat(a.silencedBy()).isEqualTo("maintenance:deploy"));

                assertThat(delete(app, "/api/silences/" + silenceId)).isEqualTo(200);
                await("silence gone", Duration.ofSeconds(20)).until(() -> !get(app, "/api/silences").contains(silenceId));
                send(config, "quiet-svc", "com.acme.Q2", "q2");
                await("posted once the silence is gone", Duration.ofSeconds(30)).until(() -> !slack.postsContaining("quiet-svc").isEmpty());
            }
        }
    }

    @Test
    void botTokenModePostsThroughChatPostMessage() throws Exception {
        try (RecordingSlack slack = new RecordingSlack()) {
            AppConfig config = config("bot", null, Map.of("slack.token", "xoxb-test-token", "slack.channel", "#alerts",
                    "slack.api.url", slack.url("/api/")));
            try (TocsinApp app = Apps.start(config)) {
                send(config, "bot-svc", "com.acme.B", "b1");
                await("posted with the bot token", Duration.ofSeconds(30)).until(() -> !slack.postsContaining("bot-svc").isEmpty());
            }
            RecordingSlack.Post post = slack.postsContaining("bot-svc").get(0);
            assertThat(post.path()).isEqualTo("/api/chat.postMessage");
            String form = java.net.URLDecoder.decode(post.body(), StandardCharsets.UTF_8);
            assertThat(form).contains("channel=#alerts").contains("tocsin:");
        }
    }

    private void send(AppConfig config, String service, String frameClass, String id) throws Exception {
        ExceptionEvent e = new ExceptionEvent("exception", 1, id + "-" + UUID.randomUUID(), Instant.now(), service, service + "-1",
                "prod", "RUNTIME", new ExceptionInfo("java.lang.IllegalStateException", "boom",
                List.of(new Frame(frameClass, "handle", null, 1, true)), null), null, Map.of(), null, 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
            producer.send(new ProducerRecord<>(config.topicPrefix() + "errors", e.key(), codec.write(e))).get();
        }
    }

    private HttpResponse<String> post(TocsinApp app, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(TocsinApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private int delete(TocsinApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
