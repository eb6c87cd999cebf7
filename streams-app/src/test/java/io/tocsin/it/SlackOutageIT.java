package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.model.Alert;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fault 4: Slack answers 503 for a whole minute while errors keep coming and an instance dies, on two routes. Once it
 * is back, every alert arrives once, in the order of the alerts topic per route, and the backlog goes out in batches
 * rather than one post per alert a second behind.
 */
@ScaledTimeout(seconds = 300)
class SlackOutageIT {

    private static final Duration OUTAGE = Duration.ofMinutes(1);
    private static final int LIMIT = 5;

    @Test
    void aMinuteOfSlackOutageLosesNothingDoublesNothingKeepsOrderPerRouteAndBatchesTheBacklog() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack();
             FaultLoad load = new FaultLoad(broker.bootstrapServers(), "tocsin.", Map.of("pay", 3, "shop", 3), Duration.ofMillis(500))) {
            AppConfig config = Apps.config(broker, slack, Map.of("topic.partitions", "1",
                    "heartbeat.timeout", Waits.configDuration(Duration.ofSeconds(4)),
                    "routes", "payments", "route.payments.match.service", "pay", "route.payments.webhook.url", slack.url("/pay")));
            try (TocsinApp app = Apps.start(config)) {
                slack.answer(() -> 503);
                Instant down = Instant.now();
                // errors spread over most of the outage, so alerts wait from its start to its end
                load.feedErrors(List.of("pay", "shop"), 10, 6, OUTAGE.dividedBy(90));
                load.kill("shop", "shop-2");
                load.awaitFed(Slowness.scale(OUTAGE));
                await("the outage refused attempts", Duration.ofSeconds(30)).until(() -> slack.refused().size() >= 3);
                // the outage lasts its minute of real time, however busy the machine
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), down.plus(OUTAGE)).toMillis()));
                int waiting = Apps.alerts(broker.bootstrapServers(), "tocsin.alerts").size();
                assertThat(slack.posts()).as("nothing accepted during the outage").isEmpty();

                slack.answer(() -> 200);
                Instant up = Instant.now();
                await("the backlog delivered", Duration.ofSeconds(60)).until(() -> slack.postedAlertIds().size() >= waiting);
                Duration drained = Duration.between(up, slack.posts().get(slack.posts().size() - 1).at());
                Waits.letTimePass(Duration.ofSeconds(2));
                List<Alert> alerts = Apps.alerts(broker.bootstrapServers(), "tocsin.alerts");

                load.assertExactly(alerts, LIMIT);
                assertThat(slack.postedAlertIds()).as("each alert once").doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(alerts.stream().map(Alert::id).toList());
                for (String[] route : List.of(new String[] {"payments", "/pay"}, new String[] {"default", "/hook"})) {
                    assertThat(idsPostedTo(slack, route[1])).as("route %s in the order of the alerts topic", route[0])
                            .containsExactlyElementsOf(alerts.stream().filter(a -> route[0].equals(a.route())).map(Alert::id).toList());
                }
                int largest = slack.posts().stream().mapToInt(p -> RecordingSlack.alertIds(p.body()).size()).max().orElse(0);
                assertThat(slack.posts().size()).as("the backlog went out in batches").isLessThan(alerts.size());
                System.out.printf("FIGURE slack-outage: Slack down %d s, %d alerts waiting on 2 routes (%d refused attempts);"
                                + " after it was back all delivered in %d posts (largest batch %d) within %.1f s, lost 0,"
                                + " posted twice 0, order per route kept%n", Duration.between(down, up).toSeconds(), waiting,
                        slack.refused().size(), slack.posts().size(), largest, drained.toMillis() / 1000.0);
            }
        }
    }

    private static List<String> idsPostedTo(RecordingSlack slack, String path) {
        return slack.posts().stream().filter(p -> p.path().equals(path)).flatMap(p -> RecordingSlack.alertIds(p.body()).stream()).toList();
    }
}
