package io.tocsin.api;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.it.Apps;
import io.tocsin.model.EventCodec;
import io.tocsin.model.Topics;
import io.tocsin.testing.ScaledTimeout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may change what through the HTTP API, on a real app and broker. */
@ScaledTimeout(seconds = 180)
class HttpApiSecurityIT {

    private static final String TOKEN = "correct-horse-battery-staple";
    private static final String SILENCE = "{\"matchers\":{\"service\":\"orders\"},\"duration\":\"1h\",\"createdBy\":\"ops\",\"comment\":\"deploy\"}";
    private static EmbeddedKafkaBroker broker;
    private static TocsinApp app;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startOnFreePort();
        app = Apps.start(Apps.config(broker, null, Map.of("application.id", "tocsin-api-security", "topic.prefix", "sec.",
                "topic.partitions", "1", "http.bind", "127.0.0.1", "http.token", TOKEN, "silence.max-duration", "2d")));
        await("silences readable", Duration.ofSeconds(30)).until(() -> get(app, "/api/silences", null).statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        app.close();
        broker.close();
    }

    @Test
    void aChangeNeedsTheBearerTokenAndReadsDoNot() throws Exception {
        assertThat(post(app, SILENCE, "application/json", null).statusCode()).isEqualTo(401);
        assertThat(post(app, SILENCE, "application/json", "not-the-token-at-all").statusCode()).isEqualTo(401);
        HttpResponse<String> created = post(app, SILENCE, "application/json", TOKEN);
        assertThat(created.statusCode()).isEqualTo(201);
        String id = new EventCodec().mapper().readTree(created.body()).path("id").asText();

        assertThat(get(app, "/api/silences", null).statusCode()).isEqualTo(200);
        assertThat(delete(app, "/api/silences/" + id, null).statusCode()).isEqualTo(401);
        await("the silence is visible", Duration.ofSeconds(20)).until(() -> get(app, "/api/silences", null).body().contains(id));
        assertThat(delete(app, "/api/silences/" + id, TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void onlyAJsonBodyOfBoundedSizeIsAccepted() throws Exception {
        // a web page can post a form or text cross-site without a preflight; it cannot post JSON
        assertThat(post(app, SILENCE, "text/plain", TOKEN).statusCode()).isEqualTo(415);
        assertThat(post(app, SILENCE, "application/x-www-form-urlencoded", TOKEN).statusCode()).isEqualTo(415);
        String huge = SILENCE.replace("deploy", "x".repeat(HttpApi.BODY_MAX));
        assertThat(post(app, huge, "application/json", TOKEN).statusCode()).isEqualTo(413);
        assertThat(post(app, SILENCE, "application/json; charset=utf-8", TOKEN).statusCode()).isEqualTo(201);
    }

    @Test
    void aSilenceCannotOutlastTheMaximumNorMuteEverythingUnlessForced() throws Exception {
        HttpResponse<String> forever = post(app, SILENCE.replace("\"1h\"", "\"3d\""), "application/json", TOKEN);
        assertThat(forever.statusCode()).isEqualTo(400);
        assertThat(forever.body()).contains("silence.max-duration");
        String until9999 = "{\"matchers\":{\"service\":\"orders\"},\"until\":\"9999-12-31T00:00:00Z\",\"createdBy\":\"ops\",\"comment\":\"x\"}";
        assertThat(post(app, until9999, "application/json", TOKEN).statusCode()).isEqualTo(400);

        String everything = "{\"matchers\":{\"environment\":\"prod\"},\"duration\":\"1h\",\"createdBy\":\"ops\",\"comment\":\"outage\"}";
        HttpResponse<String> broad = post(app, everything, "application/json", TOKEN);
        assertThat(broad.statusCode()).isEqualTo(400);
        assertThat(broad.body()).contains("force");
        String forced = "{\"matchers\":{\"environment\":\"prod\"},\"duration\":\"1h\",\"createdBy\":\"ops\",\"comment\":\"outage\",\"force\":true}";
        assertThat(post(app, forced, "application/json", TOKEN).statusCode()).isEqualTo(201);
    }

    @Test
    void withoutATokenAnApiOthersCanReachRefusesEveryChange() throws Exception {
        AppConfig open = Apps.config(broker, null, Map.of("application.id", "tocsin-api-open", "topic.prefix", "open.",
                "topic.partitions", "1", "http.bind", "0.0.0.0"));
        try (TocsinApp wide = Apps.start(open)) {
            await("silences readable", Duration.ofSeconds(30)).until(() -> get(wide, "/api/silences", null).statusCode() == 200);
            HttpResponse<String> refused = post(wide, SILENCE, "application/json", null);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("http.token");
            assertThat(delete(wide, "/api/silences/any", null).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void readsNeedTheTokenWhenConfiguredSo() throws Exception {
        AppConfig guarded = Apps.config(broker, null, Map.of("application.id", "tocsin-api-reads", "topic.prefix", "reads.",
                "topic.partitions", "1", "http.bind", "127.0.0.1", "http.token", TOKEN, "http.token.reads", "true"));
        try (TocsinApp app2 = Apps.start(guarded)) {
            await("readable with the token", Duration.ofSeconds(30)).until(() -> get(app2, "/api/error-groups", TOKEN).statusCode() == 200);
            assertThat(get(app2, "/api/error-groups", null).statusCode()).isEqualTo(401);
            assertThat(get(app2, "/api/instances", null).statusCode()).isEqualTo(401);
            assertThat(get(app2, "/health/ready", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void silencesThatEndedADayAgoAreTombstonedOnTheirTopic() throws Exception {
        Instant now = Instant.now();
        String ended = "{\"matchers\":{\"service\":\"old\"},\"startsAt\":\"%s\",\"until\":\"%s\",\"createdBy\":\"ops\",\"comment\":\"past\"}"
                .formatted(now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)));
        String recent = "{\"matchers\":{\"service\":\"recent\"},\"startsAt\":\"%s\",\"until\":\"%s\",\"createdBy\":\"ops\",\"comment\":\"past\"}"
                .formatted(now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(2)));
        String oldId = idOf(post(app, ended, "application/json", TOKEN));
        String recentId = idOf(post(app, recent, "application/json", TOKEN));
        AppConfig config = Apps.config(broker, null, Map.of("topic.prefix", "sec."));
        Topics topics = new Topics(config.topicPrefix());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
            SilencesApi silences = new SilencesApi(app.streams(), producer, topics.silences(), new EventCodec().mapper(),
                    Clock.systemUTC(), Duration.ofDays(2));
            await("both in the store", Duration.ofSeconds(20)).until(() -> silences.expireEnded() >= 1);
        }
        var records = Apps.records(broker.bootstrapServers(), topics.silences());
        assertThat(records).filteredOn(r -> r.key().equals(oldId)).extracting(ConsumerRecord::value).last().isNull();
        assertThat(records).filteredOn(r -> r.key().equals(recentId)).extracting(ConsumerRecord::value).allMatch(v -> v != null);
    }

    private static String idOf(HttpResponse<String> created) throws Exception {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new EventCodec().mapper().readTree(created.body()).path("id").asText();
    }

    private static HttpResponse<String> get(TocsinApp to, String path, String token) {
        return send(request(to, path, token).GET());
    }

    private static HttpResponse<String> post(TocsinApp to, String body, String contentType, String token) {
        return send(request(to, "/api/silences", token).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> delete(TocsinApp to, String path, String token) {
        return send(request(to, path, token).DELETE());
    }

    private static HttpRequest.Builder request(TocsinApp to, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.httpPort() + path));
        Optional.ofNullable(token).ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
