package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fault 1: {@code run} killed with SIGKILL while errors flow and instances beat, away longer than the heartbeat
 * timeout, then started again on its state dir. The alerts must be those of an uninterrupted run: none missing, none
 * doubled, each posted once, no false down or up from the restart or its backlog, and the one instance that really
 * died while the app was away is reported.
 */
@ScaledTimeout(seconds = 300)
class KillMidStreamIT {

    private static final int LIMIT = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(4); // on a quiet machine; waits scale with it
    private static final Duration IN_FLIGHT = Slowness.scale(Duration.ofSeconds(1));

    @Test
    void aKillMinus9MidStreamGivesTheAlertsOfAnUninterruptedRunAndReportsOnlyTheRealDeath() throws Exception {
        Duration timeout = Slowness.scale(TIMEOUT);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack();
             FaultLoad load = new FaultLoad(broker.bootstrapServers(), "tocsin.", Map.of("pay", 3, "cart", 3), Duration.ofMillis(500))) {
            Path dir = Files.createTempDirectory("tocsin-kill-");
            Path log = dir.resolve("app.log");
            Map<String, String> env = Map.of("TOCSIN_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "TOCSIN_STATE_DIR", dir.resolve("state").toString(), "TOCSIN_SLACK_WEBHOOK_URL", slack.webhookUrl(),
                    "TOCSIN_HEARTBEAT_TIMEOUT", timeout.toMillis() + "ms", "TOCSIN_TOPIC_PARTITIONS", "2");

            AppProcess first = AppProcess.run(env, log);
            load.feedErrors(List.of("pay", "cart"), 12, 8, Duration.ofMillis(100));
            await("alerts flowing", Duration.ofSeconds(60)).until(() -> errorAlerts(broker) >= LIMIT);
            first.kill();
            Instant killedAt = Instant.now();
            Instant diedAt = load.kill("cart", "cart-2"); // dies while the app is away: a real outage
            Waits.letTimePass(TIMEOUT.multipliedBy(2)); // away past the timeout: every instance's last beat looks stale

            Instant restartAt = Instant.now();
            try (AppProcess second = AppProcess.run(env, log)) {
                Instant readyAt = Instant.now();
                load.awaitFed(Slowness.scale(Duration.ofSeconds(60)));
                await("every alert of the load", Duration.ofSeconds(90)).until(() ->
                        errorAlerts(broker) >= load.expectedErrorAlerts(LIMIT) && !slack.postsContaining("cart-2").isEmpty());
                Waits.letTimePass(TIMEOUT.plusSeconds(2)); // a false down or up from the backlog would have come by now
                await("every alert posted", Duration.ofSeconds(30))
                        .until(() -> slack.postedAlertIds().size() >= alerts(broker).size());

                List<Alert> alerts = alerts(broker);
                load.assertExactly(alerts, LIMIT);
                List<String> repeated = FaultLoad.assertPostedOnce(slack, alerts, List.of(killedAt), IN_FLIGHT);
                Instant downPosted = slack.postsContaining("cart-2").get(0).at();
                System.out.printf("FIGURE kill-9: %d events, %d alerts, lost 0, doubled on the topic 0, posted twice %d (in flight at the kill),"
                                + " false availability alerts 0;"
                                + " app away %.1f s, restart to ready %.1f s, real death posted %.1f s after its last beat"
                                + " (timeout %.1f s)%n", load.sent(), alerts.size(), repeated.size(), secs(killedAt, restartAt),
                        secs(restartAt, readyAt), secs(diedAt, downPosted), timeout.toMillis() / 1000.0);
            }
        }
    }

    private static List<Alert> alerts(EmbeddedKafkaBroker broker) {
        return Apps.alerts(broker.bootstrapServers(), "tocsin.alerts");
    }

    private static long errorAlerts(EmbeddedKafkaBroker broker) {
        return alerts(broker).stream().filter(a -> a.kind() == AlertKind.ERROR).count();
    }

    private static double secs(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
