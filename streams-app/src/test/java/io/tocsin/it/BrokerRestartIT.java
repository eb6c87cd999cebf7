package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.TocsinAgent;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 3: the broker stops mid-run and comes back on the same port with its data kept. The agents (in this
 * JVM) spool what they capture meanwhile and replay it; the streams app (a real child process) rides the outage out
 * and works again without a restart; nothing is lost, counted twice, alerted twice or posted twice.
 *
 * <p>Heartbeats are never spooled (a stale one is worthless) and the monitor measures silence on broker append time,
 * so the live instances' heartbeats stop for the whole outage, which lasts several heartbeat timeouts. The documented
 * rule is that the monitor gives no verdict while it cannot tell whether its input is caught up: the outage is
 * Tocsin's own, and must not become INSTANCE_DOWN for instances that kept running. An instance that really died
 * during the outage (a raw heartbeat producer that stops) is the positive control: it must still be reported, once.
 */
@ScaledTimeout(seconds = 240)
class BrokerRestartIT {

    private static final String SERVICE = "it-outage";
    private static final String GONE_SERVICE = "it-outage-gone";
    private static final int LIVE_INSTANCES = 3;
    private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Longer than the agent producer's 15 s delivery timeout (so what is in flight fails and comes back from the spool)
     * and than the heartbeat timeout (so a monitor that judged the outage would raise false alarms). Not scaled as a
     * whole: the timeout it must exceed already is.
     */
    private static final Duration OUTAGE =
            max(Duration.ofSeconds(20), Slowness.scale(HEARTBEAT_TIMEOUT).multipliedBy(3).dividedBy(2));
    private static final Pattern ALERT_ID = Pattern.compile("tocsin:([0-9a-f]{32})");

    private final EventCodec codec = new EventCodec();

    /** Three error groups, told apart by the exception type (their frames are the same). */
    private enum Bug {
        STOCK("IllegalStateException"), PAYMENT("IllegalArgumentException"), EXPORT("UnsupportedOperationException");

        final String type;

        Bug(String type) {
            this.type = type;
        }
    }

    @Test
    void aBrokerRestartLosesNothingDoublesNothingAndRaisesNoFalseDownAlarm() throws Exception {
        Path dir = Files.createTempDirectory("tocsin-broker-restart-");
        int port = EmbeddedKafkaBroker.freePort();
        Path kafkaData = dir.resolve("kafka");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start("127.0.0.1", port, kafkaData);
        List<TocsinAgent> agents = new ArrayList<>();
        AtomicBoolean goneBeating = new AtomicBoolean(true);
        Thread gone = null;
        ReadySampler sampler = null;
        try (RecordingSlack slack = new RecordingSlack()) {
            String bootstrap = broker.bootstrapServers();
            Map<String, String> env = Map.of("TOCSIN_BOOTSTRAP_SERVERS", bootstrap,
                    "TOCSIN_STATE_DIR", dir.resolve("state").toString(),
                    "TOCSIN_HTTP_BIND", "127.0.0.1",
                    "TOCSIN_SLACK_WEBHOOK_URL", slack.webhookUrl(),
                    "TOCSIN_HEARTBEAT_TIMEOUT", Waits.configDuration(HEARTBEAT_TIMEOUT));
            try (AppProcess app = AppProcess.run(env, dir.resolve("app.log"))) {
                long pid = app.process().pid();
                sampler = ReadySampler.start(app);
                for (int i = 1; i <= LIVE_INSTANCES; i++) {
                    agents.add(TocsinAgent.start(AgentConfig.of(SERVICE, "prod", bootstrap).withInstance(SERVICE + "-" + i)
                            .withInAppPackages(List.of("io.tocsin.it"))
                            .with(AgentConfig.HEARTBEAT_INTERVAL.name(), HEARTBEAT_INTERVAL.toMillis() + "ms")
                            .with(AgentConfig.SPOOL_DIR.name(), dir.resolve("spool-" + i).toString())));
                }
                gone = beatUntilStopped(bootstrap, goneBeating);

                // Given: errors and heartbeats flow, and the first alerts are on Slack
                capture(agents, Bug.STOCK, 3);
                await("every instance registered UP", Duration.ofSeconds(60)).until(() ->
                        upInstances(app, SERVICE) == LIVE_INSTANCES && upInstances(app, GONE_SERVICE) == 1);
                await("3 ERROR alerts on Slack", Duration.ofSeconds(60)).until(() -> postedIds(slack).size() == 3);

                // When: the broker stops; the gone instance dies meanwhile, the others capture more
                goneBeating.set(false);
                gone.join();
                long stopAt = System.currentTimeMillis();
                broker.close();
                long spooledBefore = spooled(agents);
                capture(agents, Bug.STOCK, 4);
                capture(agents, Bug.PAYMENT, 3);
                await("the outage's 7 exceptions spooled", Duration.ofSeconds(30)).until(() -> spooled(agents) - spooledBefore == 7);
                // the outage itself is the condition: elapsed time, not a result to wait for
                Thread.sleep(Math.max(0, stopAt + OUTAGE.toMillis() - System.currentTimeMillis()));
                long restartAt = System.currentTimeMillis();
                broker = EmbeddedKafkaBroker.start("127.0.0.1", port, kafkaData);
                long backAt = System.currentTimeMillis();

                // Then: the same process works again, and everything captured before, during and after arrives once
                capture(agents, Bug.STOCK, 1);
                capture(agents, Bug.EXPORT, 2);
                await("all 13 exceptions counted", Duration.ofSeconds(90)).until(() -> totalCount(app) == 13);
                long countedAt = System.currentTimeMillis();
                await("the instance that died is reported", Duration.ofSeconds(60)).until(() ->
                        heartbeatAlerts(bootstrap, GONE_SERVICE).stream().anyMatch(a -> a.kind() == AlertKind.INSTANCE_DOWN));
                try {
                    await("10 ERROR alerts and the down alert on Slack", Duration.ofSeconds(60)).until(() ->
                            postedIds(slack).keySet().containsAll(ids(expectedPosts(bootstrap))) && expectedPosts(bootstrap).size() == 11);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("alerts on the topic " + expectedPosts(bootstrap).stream()
                            .map(x -> x.kind() + " " + x.title() + " " + x.occurrence()).toList() + ", posted " + postedIds(slack).keySet(), e);
                }
                Waits.letTimePass(Duration.ofSeconds(5)); // room for a late duplicate or a late false alarm to show
                sampler.stop();

                assertThat(app.process().isAlive()).as("the app process survived the outage").isTrue();
                assertThat(app.process().pid()).as("the same app process").isEqualTo(pid);
                assertThat(app.readyStatus()).as("/health/ready").isEqualTo(200);
                Map<String, Long> counts = groupCounts(app);
                assertThat(counts).as("occurrences per error group").containsExactlyInAnyOrderEntriesOf(
                        Map.of(Bug.STOCK.type, 8L, Bug.PAYMENT.type, 3L, Bug.EXPORT.type, 2L));

                List<Alert> errors = errorAlerts(bootstrap);
                assertThat(errors).extracting(Alert::id).as("ERROR alert ids").doesNotHaveDuplicates();
                assertThat(Apps.occurrencesByType(errors)).as("ERROR alerts per group (limit 5 per window)")
                        .containsExactlyInAnyOrderEntriesOf(Map.of(Bug.STOCK.type, List.of(1, 2, 3, 4, 5),
                                Bug.PAYMENT.type, List.of(1, 2, 3), Bug.EXPORT.type, List.of(1, 2)));
                assertThat(heartbeatAlerts(bootstrap, SERVICE)).as("availability alerts for instances that kept running").isEmpty();
                assertThat(heartbeatAlerts(bootstrap, GONE_SERVICE)).extracting(Alert::kind).as("the dead instance's alerts")
                        .containsExactly(AlertKind.INSTANCE_DOWN);
                assertThat(upInstances(app, SERVICE)).as("live instances UP in the registry").isEqualTo(LIVE_INSTANCES);

                List<Alert> expected = expectedPosts(bootstrap);
                Map<String, Long> posted = postedIds(slack);
                assertThat(posted).as("alert ids posted to Slack, each exactly once")
                        .containsExactlyInAnyOrderEntriesOf(ids(expected).stream().collect(Collectors.toMap(id -> id, id -> 1L)));
                long replayed = agents.stream().mapToLong(a -> a.counters().getReplayed()).sum();
                assertThat(replayed).as("events the agents replayed from their spools").isGreaterThanOrEqualTo(7);

                Duration firstSpooled = firstArrivalOfOutageEvents(bootstrap, stopAt, restartAt, backAt);
                Duration readyAgain = sampler.readyAgainAfter(backAt);
                assertThat(readyAgain).as("back to ready").isLessThan(Slowness.scale(Duration.ofSeconds(60)));
                assertThat(firstSpooled).as("first spooled event after the broker is back")
                        .isLessThan(Slowness.scale(Duration.ofSeconds(30)));
                System.out.printf("FIGURE broker-restart: outage %.1f s (heartbeat timeout %.1f s), broker back to app ready %.1f s"
                                + " (ready during the outage in %d%% of samples), first spooled event on the broker %.1f s after it was back,"
                                + " all 13 exceptions counted after %.1f s, %d replayed from spools, alerts lost 0, duplicates 0%n",
                        (backAt - stopAt) / 1000.0, Slowness.scale(HEARTBEAT_TIMEOUT).toMillis() / 1000.0, readyAgain.toMillis() / 1000.0,
                        sampler.readyPercentBetween(stopAt, backAt), firstSpooled.toMillis() / 1000.0, (countedAt - backAt) / 1000.0,
                        replayed);
            }
        } finally {
            goneBeating.set(false);
            if (sampler != null) {
                sampler.stop();
            }
            agents.forEach(TocsinAgent::close);
            broker.close();
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** n captures of the bug, spread over the agents; same call path every time, so each bug is one group. */
    private static void capture(List<TocsinAgent> agents, Bug bug, int n) {
        for (int i = 0; i < n; i++) {
            agents.get(i % agents.size()).capture(failure(bug));
        }
    }

    private static RuntimeException failure(Bug bug) {
        return switch (bug) {
            case STOCK -> new IllegalStateException("stock for sku 42 exhausted");
            case PAYMENT -> new IllegalArgumentException("card declined");
            case EXPORT -> new UnsupportedOperationException("export format not supported");
        };
    }

    private static long spooled(List<TocsinAgent> agents) {
        return agents.stream().mapToLong(a -> a.counters().getSpooled()).sum();
    }

    /** A raw heartbeat producer for one instance of {@link #GONE_SERVICE}: it dies (no STOPPING) when told to. */
    private Thread beatUntilStopped(String bootstrap, AtomicBoolean beating) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        Thread t = new Thread(() -> {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                while (beating.get()) {
                    HeartbeatEvent beat = new HeartbeatEvent("heartbeat", 1, Instant.now(), GONE_SERVICE, GONE_SERVICE + "-1", "prod",
                            null, HEARTBEAT_INTERVAL.toMillis(), HeartbeatEvent.Status.UP, new HashMap<>());
                    producer.send(new ProducerRecord<>("tocsin.heartbeats", beat.key(), codec.write(beat))).get();
                    Thread.sleep(HEARTBEAT_INTERVAL.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "gone-instance-heartbeats");
        t.start();
        return t;
    }

    private long upInstances(AppProcess app, String service) throws Exception {
        HttpResponse<String> r = answer(app, "/api/instances?service=" + service);
        if (r == null || r.statusCode() != 200) {
            return -1;
        }
        long up = 0;
        for (JsonNode i : codec.mapper().readTree(r.body())) {
            up += "UP".equals(i.path("status").asText()) ? 1 : 0;
        }
        return up;
    }

    /** The app's answer; null when it closed the connection without one (it does while its tasks are re-created). */
    private static HttpResponse<String> answer(AppProcess app, String path) throws InterruptedException {
        try {
            return app.get(path);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private long totalCount(AppProcess app) throws Exception {
        Map<String, Long> counts = groupCounts(app);
        return counts == null ? -1 : counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Occurrences per group from {@code /api/error-groups}, by exception type (the start of the group's title). */
    private Map<String, Long> groupCounts(AppProcess app) throws Exception {
        HttpResponse<String> r = answer(app, "/api/error-groups?service=" + SERVICE);
        if (r == null || r.statusCode() != 200) {
            return null;
        }
        return Apps.countsByType(codec.mapper().readTree(r.body()));
    }

    private static List<Alert> errorAlerts(String bootstrap) {
        return Apps.alerts(bootstrap, "tocsin.alerts").stream()
                .filter(a -> SERVICE.equals(a.service()) && (a.kind() == AlertKind.ERROR || a.kind() == AlertKind.ERROR_DIGEST)).toList();
    }

    private static List<Alert> heartbeatAlerts(String bootstrap, String service) {
        return Apps.alerts(bootstrap, "tocsin.alerts").stream()
                .filter(a -> service.equals(a.service()) && a.kind() != AlertKind.ERROR && a.kind() != AlertKind.ERROR_DIGEST).toList();
    }

    /** What Slack must have received: every alert of the test's services. */
    private static List<Alert> expectedPosts(String bootstrap) {
        return Apps.alerts(bootstrap, "tocsin.alerts").stream()
                .filter(a -> SERVICE.equals(a.service()) || GONE_SERVICE.equals(a.service())).toList();
    }

    private static List<String> ids(List<Alert> alerts) {
        return alerts.stream().map(Alert::id).toList();
    }

    /** How many times each alert id was posted (a batch post carries several). */
    private static Map<String, Long> postedIds(RecordingSlack slack) {
        List<String> ids = new ArrayList<>();
        for (RecordingSlack.Post post : slack.posts()) {
            Matcher m = ALERT_ID.matcher(post.body());
            while (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** From the broker being back to the first event captured during the outage being appended (LogAppendTime). */
    private Duration firstArrivalOfOutageEvents(String bootstrap, long stopAt, long restartAt, long backAt) throws Exception {
        long first = Long.MAX_VALUE;
        for (ConsumerRecord<String, byte[]> r : Apps.records(bootstrap, "tocsin.errors")) {
            long captured = Instant.parse(codec.mapper().readTree(r.value()).path("timestamp").asText()).toEpochMilli();
            if (captured >= stopAt && captured < restartAt) {
                first = Math.min(first, r.timestamp());
            }
        }
        assertThat(first).as("an event captured during the outage on the broker").isNotEqualTo(Long.MAX_VALUE);
        return Duration.ofMillis(first - backAt);
    }

    /** Samples the app's readiness every 100 ms, for the figures. */
    private static final class ReadySampler {
        private record Sample(long at, int status) {
        }

        private final List<Sample> samples = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private ReadySampler(AppProcess app) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        samples.add(new Sample(System.currentTimeMillis(), app.readyStatus()));
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "ready-sampler");
            thread.setDaemon(true);
        }

        static ReadySampler start(AppProcess app) {
            ReadySampler s = new ReadySampler(app);
            s.thread.start();
            return s;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        /** From {@code from} to the first 200 after the last answer that was not 200. */
        Duration readyAgainAfter(long from) {
            long lastNotReady = from;
            for (Sample s : samples) {
                if (s.at() >= from && s.status() != 200) {
                    lastNotReady = s.at();
                }
            }
            for (Sample s : samples) {
                if (s.at() >= lastNotReady && s.status() == 200) {
                    return Duration.ofMillis(s.at() - from);
                }
            }
            throw new AssertionError("the app never answered ready after the broker was back");
        }

        int readyPercentBetween(long from, long to) {
            List<Sample> in = samples.stream().filter(s -> s.at() >= from && s.at() < to).toList();
            return in.isEmpty() ? 0 : (int) (100 * in.stream().filter(s -> s.status() == 200).count() / in.size());
        }
    }
}
