package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Counts live in RocksDB stores backed by changelogs, so no restart makes the throttle forget: not a clean one, not a
 * kill -9, not starting on an empty state directory (restored from the changelog). The Redis-TTL design Tocsin
 * replaces lost its counts on every Redis restart and alerted again.
 */
@ScaledTimeout(seconds = 300)
class ErrorCountsSurviveRestartIT {

    private final EventCodec codec = new EventCodec();

    @Test
    void theThrottleRemembersItsCountsAcrossCleanAndAbruptRestartsAndAnEmptyStateDir() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            Path dir = Files.createTempDirectory("tocsin-restart-");
            Path log = dir.resolve("app.log");
            Map<String, String> env = Map.of("TOCSIN_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "TOCSIN_STATE_DIR", dir.resolve("state").toString(), "TOCSIN_ERROR_ALERT_LIMIT", "5");
            AppConfig config = Apps.config(broker, null, Map.of());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
                try (AppProcess app = AppProcess.run(env, log)) {
                    send(producer, 3);
                    awaitOccurrences(broker, 3);
                } // clean stop (SIGTERM)
                AppProcess killed = AppProcess.run(env, log);
                send(producer, 1);
                awaitOccurrences(broker, 4);
                killed.kill(); // kill -9: no flush, no commit
                try (AppProcess app = AppProcess.run(env, log)) {
                    send(producer, 1);
                    awaitOccurrences(broker, 5);
                }
                Map<String, String> emptyState = new java.util.HashMap<>(env);
                emptyState.put("TOCSIN_STATE_DIR", dir.resolve("fresh-state").toString());
                try (AppProcess app = AppProcess.run(emptyState, log)) {
                    send(producer, 1);
                    await("the sixth occurrence counted", Duration.ofSeconds(60))
                            .until(() -> totalCount(app) == 6);
                    Waits.letTimePass(Duration.ofSeconds(2));
                }
            }
            List<Alert> alerts = errorAlerts(broker);
            assertThat(alerts).extracting(Alert::occurrence).containsExactly(1, 2, 3, 4, 5);
            assertThat(alerts).extracting(Alert::id).doesNotHaveDuplicates();
        }
    }

    private void send(KafkaProducer<String, byte[]> producer, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ExceptionEvent e = new ExceptionEvent("exception", 1, UUID.randomUUID().toString(), Instant.now(), "it-restart",
                    "it-restart-1", "prod", "RUNTIME", new ExceptionInfo("java.lang.IllegalStateException", "stock " + i,
                    List.of(new Frame("com.acme.Stock", "reserve", "Stock.java", 7, true)), null), null, Map.of(), null, 1);
            producer.send(new ProducerRecord<>("tocsin.errors", e.key(), codec.write(e))).get();
        }
    }

    private void awaitOccurrences(EmbeddedKafkaBroker broker, int n) {
        await(n + " alerts", Duration.ofSeconds(60)).until(() -> errorAlerts(broker).size() >= n);
    }

    private List<Alert> errorAlerts(EmbeddedKafkaBroker broker) {
        return Apps.alerts(broker.bootstrapServers(), "tocsin.alerts").stream()
                .filter(a -> a.kind() == AlertKind.ERROR && "it-restart".equals(a.service())).toList();
    }

    private long totalCount(AppProcess app) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.httpPort() + "/api/error-groups?service=it-restart")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return -1;
        }
        var groups = codec.mapper().readTree(r.body());
        return groups.isEmpty() ? 0 : groups.get(0).path("totalCount").asLong();
    }
}
