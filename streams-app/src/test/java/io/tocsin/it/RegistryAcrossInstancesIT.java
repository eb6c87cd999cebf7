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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Two streams-app instances share the partitions; either one answers for every live instance, exactly once. */
@ScaledTimeout(seconds = 180)
class RegistryAcrossInstancesIT {

    private static final List<String> SERVICES = List.of("reg-chat", "reg-search", "reg-orders", "reg-billing");
    private final EventCodec codec = new EventCodec();

    @Test
    void eitherAppInstanceListsEveryLiveInstanceOnceLeastLoadedFirst() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            Map<String, String> shared = Map.of("application.id", "tocsin-registry-it", "heartbeat.timeout", "30s", "topic.partitions", "4");
            AppConfig first = Apps.config(broker, null, shared);
            AppConfig second = Apps.config(broker, null, shared);
            try (TocsinApp a = Apps.start(first); TocsinApp b = Apps.start(second);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(first))) {
                Apps.awaitWorkShared(a, b);
                for (String service : SERVICES) {
                    for (int i = 1; i <= 3; i++) {
                        // loads 30, 20, 10: the last instance is the least loaded
                        HeartbeatEvent beat = new HeartbeatEvent("heartbeat", 1, Instant.now(), service, service + "-" + i, "prod",
                                "10.0.0." + i + ":8080", 1000, HeartbeatEvent.Status.UP, Map.of("connections", 40.0 - 10 * i));
                        producer.send(new ProducerRecord<>(first.topicPrefix() + "heartbeats", beat.key(), codec.write(beat))).get();
                    }
                }

                for (TocsinApp app : List.of(a, b)) {
                    await("all 12 instances via port " + app.httpPort(), Duration.ofSeconds(30))
                            .until(() -> instances(app, "").size() == 12);
                    assertThat(instances(app, "")).doesNotHaveDuplicates();
                    for (String service : SERVICES) {
                        assertThat(instances(app, "?service=" + service))
                                .containsExactly(service + "-3", service + "-2", service + "-1");
                        assertThat(Apps.getJson(app, "/api/instances/best?service=" + service).path("instance").asText())
                                .isEqualTo(service + "-3");
                    }
                }
            }
        }
    }

    private List<String> instances(TocsinApp app, String query) throws Exception {
        List<String> names = new ArrayList<>();
        Apps.getJson(app, "/api/instances" + query).forEach(n -> names.add(n.path("instance").asText()));
        return names;
    }

}
