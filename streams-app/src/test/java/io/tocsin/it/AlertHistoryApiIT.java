package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.testing.ScaledTimeout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * Each alert's delivery state as the notifiers decided it, answered the same by either of two streams-app instances:
 * per error group (the console's group page) and across keys (the instances page's recent alerts).
 */
@ScaledTimeout(seconds = 180)
class AlertHistoryApiIT {

    @Test
    void eitherInstanceListsEachGroupsAlertWithItsSlackDeliveryState() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack()) {
            AtomicInteger asked = new AtomicInteger();
            slack.answer(() -> asked.incrementAndGet() <= 2 ? 503 : 200); // Slack down for the first two posts
            Map<String, String> shared = Map.of("application.id", "tocsin-history-it", "topic.partitions", "4");
            AppConfig first = Apps.config(broker, slack, shared);
            try (TocsinApp a = Apps.start(first); TocsinApp b = Apps.start(Apps.config(broker, slack, shared));
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(first))) {
                Apps.awaitWorkShared(a, b);
                Instant t = Instant.now().minusSeconds(60);
                for (int i = 0; i < 6; i++) {
                    Apps.sendError(producer, "api-orders", "com.acme.Handler" + i, t.plusSeconds(i));
                }
                await("six alerts posted", Duration.ofSeconds(60)).until(() -> slack.postedAlertIds().size() >= 6);
                List<String> fingerprints = new ArrayList<>();
                Apps.getJson(a, "/api/error-groups?service=api-orders").forEach(g -> fingerprints.add(g.path("fingerprint").asText()));
                assertThat(fingerprints).hasSize(6);

                for (TocsinApp app : List.of(a, b)) {
                    await("every alert on record as delivered via " + app.httpPort(), Duration.ofSeconds(30)).until(() ->
                            count(Apps.getJson(app, "/api/alerts?service=api-orders"), "DELIVERED") == 6);
                    JsonNode all = Apps.getJson(app, "/api/alerts?service=api-orders");
                    List<String> times = new ArrayList<>();
                    all.forEach(x -> times.add(x.path("timestamp").asText()));
                    assertThat(times).isSortedAccordingTo((x, y) -> Instant.parse(y).compareTo(Instant.parse(x)));
                    int retried = 0;
                    for (String fp : fingerprints) {
                        JsonNode ofGroup = Apps.getJson(app, "/api/alerts?key=" + fp);
                        assertThat(ofGroup).hasSize(1);
                        JsonNode alert = ofGroup.get(0);
                        assertThat(alert.path("kind").asText()).isEqualTo("ERROR");
                        assertThat(alert.path("occurrence").asInt()).isEqualTo(1);
                        assertThat(alert.path("route").asText()).isEqualTo("default");
                        assertThat(slack.postedAlertIds()).contains(alert.path("id").asText());
                        retried += alert.path("attempts").asInt() > 0 ? 1 : 0;
                    }
                    assertThat(retried).as("alerts that waited out Slack's 503s say so").isGreaterThanOrEqualTo(1);
                    assertThat(Apps.getJson(app, "/api/alerts?kind=INSTANCE_DOWN,SERVICE_DOWN")).isEmpty();
                    assertThat(Apps.getJson(app, "/api/alerts?service=api-orders&limit=2")).hasSize(2);
                    assertThat(Apps.get(app.httpPort(), "/api/alerts?kind=NOPE").statusCode()).isEqualTo(400);
                }
            }
        }
    }

    private static long count(JsonNode alerts, String state) {
        long n = 0;
        for (JsonNode x : alerts) {
            n += state.equals(x.path("state").asText()) ? 1 : 0;
        }
        return n;
    }
}
