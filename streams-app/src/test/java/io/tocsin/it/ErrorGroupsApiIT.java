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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/** The error-groups API answers the same from either of two streams-app instances that share the partitions. */
@ScaledTimeout(seconds = 180)
class ErrorGroupsApiIT {

    @Test
    void eitherInstanceListsAndFetchesEveryGroup() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            java.util.Map<String, String> shared = java.util.Map.of("application.id", "tocsin-groups-it", "topic.partitions", "4");
            AppConfig first = Apps.config(broker, null, shared);
            try (TocsinApp a = Apps.start(first); TocsinApp b = Apps.start(Apps.config(broker, null, shared));
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(first))) {
                Apps.awaitWorkShared(a, b);
                Instant t = Instant.now().minusSeconds(60);
                for (int i = 0; i < 8; i++) {
                    // eight distinct bugs of api-orders, seen at increasing times, and one of api-billing
                    Apps.sendError(producer, "api-orders", "com.acme.Handler" + i, t.plusSeconds(i));
                }
                Apps.sendError(producer, "api-billing", "com.acme.Invoice", t);

                for (TocsinApp app : List.of(a, b)) {
                    await("all groups via " + app.httpPort(), Duration.ofSeconds(30))
                            .until(() -> Apps.getJson(app, "/api/error-groups?service=api-orders").size() == 8);
                    JsonNode orders = Apps.getJson(app, "/api/error-groups?service=api-orders");
                    List<String> lastSeen = new ArrayList<>();
                    orders.forEach(g -> lastSeen.add(g.path("lastSeen").asText()));
                    assertThat(lastSeen).isSortedAccordingTo((x, y) -> Instant.parse(y).compareTo(Instant.parse(x)));
                    assertThat(orders.get(0).path("title").asText()).contains("Handler7.handle");
                    assertThat(Apps.getJson(app, "/api/error-groups?service=api-orders&limit=3")).hasSize(3);
                    assertThat(Apps.getJson(app, "/api/error-groups?service=api-billing")).hasSize(1);
                    assertThat(Apps.getJson(app, "/api/error-groups")).hasSize(9);
                    for (JsonNode g : orders) {
                        JsonNode one = Apps.getJson(app, "/api/error-groups/" + g.path("fingerprint").asText());
                        assertThat(one.path("totalCount").asLong()).isEqualTo(1);
                        assertThat(one.path("alertsSent").asLong()).isEqualTo(1);
                        assertThat(one.path("sample").path("service").asText()).isEqualTo("api-orders");
                    }
                }
            }
        }
    }
}
