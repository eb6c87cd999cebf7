package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dead man's switch on a real broker: the app pings {@code watchdog.url} while its canaries come all the way
 * through, and stops within two intervals once the notifier or the stream thread is stopped.
 */
@ScaledTimeout(seconds = 240)
class WatchdogIT {

    private static final Duration INTERVAL = Duration.ofSeconds(3);
    private static final String PING_PATH = "/ping/tocsin-check";
    private static final Pattern CANARY_AGE = Pattern.compile("(?m)^tocsin_watchdog_canary_age_seconds(?:\\{[^}]*})? (\\S+)$");

    @Test
    void pingsWhileCanariesComeThroughAndStopWithinTwoIntervalsOnceTheNotifierIsStopped() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack();
             TocsinApp app = Apps.start(Apps.config(broker, slack, watchdog(slack)))) {
            awaitPings(slack, 2);
            assertThat(slack.posts()).as("canaries never reach Slack").allSatisfy(p -> assertThat(p.path()).isEqualTo(PING_PATH));
            assertThat(Apps.alerts(broker.bootstrapServers(), "tocsin.alerts")).extracting(Alert::kind).contains(AlertKind.CANARY);

            app.notifier().close();
            Instant stopped = Instant.now();

            assertNoPingsAfterTwoIntervalsFrom(stopped, slack);
            assertThat(canaryAgeSeconds(app)).as("canary age on /metrics").isGreaterThan(2 * interval().toSeconds());
        }
    }

    @Test
    void pingsStopWithinTwoIntervalsOnceTheStreamThreadIsStopped() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack();
             TocsinApp app = Apps.start(Apps.config(broker, slack, watchdog(slack)))) {
            awaitPings(slack, 2);

            assertThat(app.streams().removeStreamThread(Slowness.scale(Duration.ofSeconds(30)))).as("thread removed").isPresent();
            Instant stopped = Instant.now();

            assertNoPingsAfterTwoIntervalsFrom(stopped, slack);
            assertThat(app.notifier().healthy()).as("the notifier still runs: it is the topology that stopped").isTrue();
        }
    }

    private static Map<String, String> watchdog(RecordingSlack slack) {
        return Map.of("watchdog.url", slack.url(PING_PATH), "watchdog.interval", Waits.configDuration(INTERVAL));
    }

    private static Duration interval() {
        return Slowness.scale(INTERVAL);
    }

    private static List<RecordingSlack.Post> pings(RecordingSlack slack) {
        return slack.posts().stream().filter(p -> p.path().equals(PING_PATH)).toList();
    }

    private static void awaitPings(RecordingSlack slack, int count) {
        await(count + " pings", Duration.ofSeconds(90)).until(() -> pings(slack).size() >= count);
    }

    /**
     * Watches an interval and a half past the two allowed (a watchdog still pinging pings once per interval, so at
     * least once in them): a ping there would be a watchdog vouching for a stopped pipeline.
     */
    private static void assertNoPingsAfterTwoIntervalsFrom(Instant stopped, RecordingSlack slack) {
        Instant deadline = stopped.plus(interval().multipliedBy(2));
        Waits.letTimePass(INTERVAL.multipliedBy(7).dividedBy(2));
        assertThat(pings(slack)).as("pings after " + deadline + " (stopped at " + stopped + ")")
                .noneSatisfy(p -> assertThat(p.at()).isAfter(deadline));
    }

    private static double canaryAgeSeconds(TocsinApp app) throws Exception {
        String metrics = Apps.get(app.httpPort(), "/metrics").body();
        Matcher m = CANARY_AGE.matcher(metrics);
        assertThat(m.find()).as("tocsin_watchdog_canary_age_seconds on /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
