package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import io.tocsin.topology.StoreNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Fault 6, incident 2 of the background: errors at ten times the steady rate for a minute. The backlog drains, the
 * app's lag returns to zero, every event is counted, and heartbeat detection keeps working through it: no instance
 * that kept beating is called down because the app lagged, and one that died mid-burst is found within the bound.
 */
@ScaledTimeout(seconds = 420)
class BurstIT {

    private static final int STEADY_PER_S = 20;
    private static final Duration BURST = Duration.ofMinutes(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(4); // on a quiet machine; waits scale with it
    private static final int GROUPS = 100;
    private static final int LIMIT = 5;

    @Test
    void aMinuteAtTenTimesTheSteadyRateDrainsLosesNothingAndRaisesNoFalseDown() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack();
             FaultLoad load = new FaultLoad(broker.bootstrapServers(), "tocsin.", Map.of("api", 4, "worker", 4, "web", 4),
                     Duration.ofMillis(500));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Path dir = Files.createTempDirectory("tocsin-burst-");
            Map<String, String> env = Map.of("TOCSIN_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "TOCSIN_STATE_DIR", dir.resolve("state").toString(), "TOCSIN_SLACK_WEBHOOK_URL", slack.webhookUrl(),
                    "TOCSIN_HEARTBEAT_TIMEOUT", Waits.configDuration(TIMEOUT));
            try (AppProcess app = AppProcess.run(env, dir.resolve("app.log"))) {
                List<String> services = List.of("api", "worker", "web");
                load.feedErrors(services, GROUPS, 2, Duration.ofMillis(1000 / STEADY_PER_S)); // steady: 10 s
                load.awaitFed(Slowness.scale(Duration.ofSeconds(60)));

                Instant burstStart = Instant.now();
                int burstEvents = (int) (BURST.toSeconds() * STEADY_PER_S * 10);
                load.feedErrors(services, GROUPS, burstEvents / GROUPS, Duration.ofMillis(1000 / (STEADY_PER_S * 10)));
                Waits.letTimePass(BURST.dividedBy(3));
                Instant diedAt = load.kill("worker", "worker-3"); // dies mid-burst
                load.awaitFed(Slowness.scale(BURST.multipliedBy(3)));
                Duration burstTook = Duration.between(burstStart, Instant.now());

                await("lag back to zero", Duration.ofSeconds(180)).until(() -> lag(admin) == 0);
                Duration drained = Duration.between(burstStart, Instant.now());
                await("every event counted", Duration.ofSeconds(60)).until(() -> counted(app) == load.sent());
                await("the death posted", Duration.ofSeconds(60)).until(() -> !slack.postsContaining("worker-3").isEmpty());
                Waits.letTimePass(TIMEOUT.plusSeconds(2));

                List<Alert> alerts = Apps.alerts(broker.bootstrapServers(), "tocsin.alerts");
                load.assertExactly(alerts, LIMIT); // exactly one down: the real one; no false down from the backlog
                Duration detected = Duration.between(diedAt, slack.postsContaining("worker-3").get(0).at());
                // documented: timeout + heartbeat.group.wait (1 s) + a tick; 2 s more for the post
                Duration bound = Slowness.scale(TIMEOUT.plusSeconds(3));
                assertThat(detected).as("the death mid-burst found within timeout + 3 s").isLessThanOrEqualTo(bound);
                await("every alert posted", Duration.ofSeconds(60)).until(() -> slack.postedAlertIds().size() >= alerts.size());
                assertThat(slack.postedAlertIds()).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(alerts.stream().map(Alert::id).toList());
                System.out.printf("FIGURE burst: %d events/s steady then %d/s for %d s (%d events, %d groups): produced in"
                                + " %.1f s, lag zero %.1f s after the burst began, all %d counted, lost 0; death mid-burst"
                                + " posted %.1f s after its last beat (bound %.1f s), false downs 0%n", STEADY_PER_S,
                        STEADY_PER_S * 10, BURST.toSeconds(), burstEvents, GROUPS, secs(burstTook), secs(drained),
                        load.sent(), secs(detected), secs(bound));
            }
        }
    }

    /**
     * Error records the app's group has yet to consume, on the input topic and the repartition topic (heartbeats keep
     * flowing, so their lag is never still; the errors' is once the burst is over).
     */
    private static long lag(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("tocsin")
                .partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals("tocsin.errors") || e.getKey().topic().contains(StoreNames.ERRORS_BY_FINGERPRINT))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (committed.size() < 2) {
            return Long.MAX_VALUE;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
        return committed.entrySet().stream().mapToLong(e -> {
            // the app writes its repartition topic in transactions: the end is one past the commit marker it never reads
            long marker = e.getKey().topic().endsWith("-repartition") ? 1 : 0;
            return Math.max(0, ends.get(e.getKey()).offset() - marker - e.getValue().offset());
        }).sum();
    }

    private static long counted(AppProcess app) throws Exception {
        JsonNode groups = Apps.getJson(app.httpPort(), "/api/error-groups?limit=1000");
        long total = 0;
        for (JsonNode g : groups) {
            total += g.path("totalCount").asLong();
        }
        return total;
    }

    private static double secs(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
