package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
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
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;

/**
 * Faults 2 and scale-out: several {@code run} processes with one {@code application.id} share the partitions the Kafka
 * Streams way. One is killed with SIGKILL while instances beat and errors flow, another joins: the alerts stay exact
 * and posted once, and the HTTP API of a survivor answers either completely or 503, never a part.
 */
@ScaledTimeout(seconds = 420)
class FailoverIT {

    private static final int LIMIT = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(4); // on a quiet machine; waits scale with it
    private static final Map<String, Integer> FLEET = Map.of("chat", 3, "search", 3, "orders", 3, "billing", 3);
    private static final List<String> SERVICES = List.of("chat", "search", "orders", "billing");
    private final EventCodec codec = new EventCodec();

    @Test
    void withAStandbyTheSurvivorOfAKillMinus9TakesOverReportsTheNextDeathOnceAndTheRejoinIsQuiet() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack();
             FaultLoad load = new FaultLoad(broker.bootstrapServers(), "tocsin.", FLEET, Duration.ofMillis(500));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Path dir = Files.createTempDirectory("tocsin-failover-");
            Map<String, String> env = env(broker, slack, 4, Map.of("TOCSIN_KAFKA_NUM_STANDBY_REPLICAS", "1"));
            AppProcess a = AppProcess.run(withState(env, dir, "a"), dir.resolve("a.log"));
            AppProcess b = AppProcess.run(withState(env, dir, "b"), dir.resolve("b.log"));
            try {
                awaitMembersWithWork(admin, 2);
                load.feedErrors(SERVICES, 12, 8, Duration.ofMillis(100));
                await("alerts flowing", Duration.ofSeconds(60)).until(() -> errorAlerts(broker) >= LIMIT);

                b.kill();
                Instant killedAt = Instant.now();
                Instant diedAt = load.kill("orders", "orders-2");
                Duration takeover = awaitCompleteAnswers(a.httpPort(), load, killedAt);
                await("the death after the kill posted", Duration.ofSeconds(90))
                        .until(() -> !slack.postsContaining("orders-2").isEmpty());
                Instant downPosted = slack.postsContaining("orders-2").get(0).at();
                load.awaitFed(Slowness.scale(Duration.ofSeconds(60)));
                await("every error alert", Duration.ofSeconds(60)).until(() -> errorAlerts(broker) >= load.expectedErrorAlerts(LIMIT));

                int alertsBeforeRejoin = alerts(broker).size();
                Instant rejoinAt = Instant.now();
                b = AppProcess.run(withState(env, dir, "b"), dir.resolve("b.log"));
                awaitMembersWithWork(admin, 2);
                Duration rejoin = Duration.between(rejoinAt, Instant.now());
                Waits.letTimePass(TIMEOUT.plusSeconds(2)); // a false down or up from the rebalance would have come by now
                assertThat(alerts(broker)).as("no alert from the rejoin").hasSize(alertsBeforeRejoin);

                List<Alert> alerts = alerts(broker);
                System.out.printf("kill at %s, rejoin at %s; availability alerts:%n", killedAt, rejoinAt);
                alerts.stream().filter(x -> x.kind() != AlertKind.ERROR).forEach(x -> System.out.printf("  %s %s %s/%s %s%n",
                        x.timestamp(), x.kind(), x.service(), x.instance(), x.title()));
                List<String> repeated = assertAlertsExactAndPostedOnce(alerts, slack, load, killedAt);
                for (AppProcess app : List.of(a, b)) {
                    assertQueriesComplete(app.httpPort(), load);
                }
                System.out.printf("FIGURE failover: %d events, %d alerts, lost 0, doubled on the topic 0, posted twice %d (in flight at the kill);"
                                + " survivor complete"
                                + " again %.1f s after the kill (standby 1, session timeout 10 s), death after the kill"
                                + " posted %.1f s after its last beat (timeout %.1f s), rejoin %.1f s with 0 alerts%n",
                        load.sent(), alerts.size(), repeated.size(), secs(takeover), secs(Duration.between(diedAt, downPosted)),
                        secs(Slowness.scale(TIMEOUT)), secs(rejoin));
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void threeInstancesOnSixPartitionsLoseOneAndGainOneWithAlertsExactAndQueriesComplete() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack();
             FaultLoad load = new FaultLoad(broker.bootstrapServers(), "tocsin.", FLEET, Duration.ofMillis(500));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Path dir = Files.createTempDirectory("tocsin-scale-");
            Map<String, String> env = env(broker, slack, 6, Map.of());
            List<AppProcess> apps = new ArrayList<>();
            try {
                for (String name : List.of("a", "b", "c")) {
                    apps.add(AppProcess.run(withState(env, dir, name), dir.resolve(name + ".log")));
                }
                awaitMembersWithWork(admin, 3);
                load.feedErrors(SERVICES, 12, 8, Duration.ofMillis(100));
                await("alerts flowing", Duration.ofSeconds(60)).until(() -> errorAlerts(broker) >= LIMIT);

                apps.remove(2).kill();
                Instant killedAt = Instant.now();
                apps.add(AppProcess.run(withState(env, dir, "d"), dir.resolve("d.log"))); // a new one, empty state
                Instant diedAt = load.kill("chat", "chat-3");
                awaitMembersWithWork(admin, 3);
                Duration settled = Duration.between(killedAt, Instant.now());
                load.awaitFed(Slowness.scale(Duration.ofSeconds(60)));
                await("every alert of the load", Duration.ofSeconds(90)).until(() ->
                        errorAlerts(broker) >= load.expectedErrorAlerts(LIMIT) && !slack.postsContaining("chat-3").isEmpty());
                Waits.letTimePass(TIMEOUT.plusSeconds(2));

                List<Alert> alerts = alerts(broker);
                List<String> repeated = assertAlertsExactAndPostedOnce(alerts, slack, load, killedAt);
                for (AppProcess app : apps) {
                    assertQueriesComplete(app.httpPort(), load);
                }
                System.out.printf("FIGURE scale-out: 3 instances on 6 partitions, one killed and one added: %d events, %d alerts,"
                                + " lost 0, doubled on the topic 0, posted twice %d (in flight at the kill); three members with work again %.1f s"
                                + " after the kill; death posted"
                                + " %.1f s after its last beat; every instance answers complete queries%n", load.sent(),
                        alerts.size(), repeated.size(), secs(settled), secs(Duration.between(diedAt, slack.postsContaining("chat-3").get(0).at())));
            } finally {
                for (AppProcess app : apps) {
                    app.close();
                }
            }
        }
    }

    private Map<String, String> env(EmbeddedKafkaBroker broker, RecordingSlack slack, int partitions, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("TOCSIN_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "TOCSIN_APPLICATION_ID", "tocsin-failover", "TOCSIN_SLACK_WEBHOOK_URL", slack.webhookUrl(),
                "TOCSIN_HEARTBEAT_TIMEOUT", Waits.configDuration(TIMEOUT), "TOCSIN_TOPIC_PARTITIONS", String.valueOf(partitions)));
        env.putAll(more);
        return env;
    }

    private static Map<String, String> withState(Map<String, String> env, Path dir, String name) {
        Map<String, String> out = new HashMap<>(env);
        out.put("TOCSIN_STATE_DIR", dir.resolve("state-" + name).toString());
        return out;
    }

    /** The group is stable with this many members, each with partitions of its own. */
    private static void awaitMembersWithWork(Admin admin, int members) {
        await(members + " members sharing the work", Duration.ofSeconds(120)).until(() -> {
            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of("tocsin-failover")).all().get().get("tocsin-failover");
            return g.members().size() == members
                    && g.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
        });
    }

    /**
     * Polls the survivor's instance list from the kill on: every 200 answer holds every live instance once (a 503
     * while the group moves partitions is honest; a partial list is not). Returns how long until it answered 200.
     */
    private Duration awaitCompleteAnswers(int port, FaultLoad load, Instant from) {
        List<String> partial = new ArrayList<>();
        Instant[] completeAt = new Instant[1];
        await("the survivor answers for every instance", Duration.ofSeconds(90)).until(() -> {
            HttpResponse<String> r = Apps.get(port, "/api/instances");
            if (r.statusCode() != 200) {
                return false;
            }
            List<String> listed = names(codec.mapper().readTree(r.body()));
            if (!listed.containsAll(alive(load)) || listed.size() != new TreeSet<>(listed).size()) {
                partial.add(listed + " at " + Instant.now() + "; the missing as stored: " + missingAsStored(port, load, listed));
            }
            completeAt[0] = Instant.now();
            return true;
        });
        assertThat(partial).as("answers missing or doubling an instance").isEmpty();
        return Duration.between(from, completeAt[0]);
    }

    /** For a failure's message: the entries of the live instances a list left out, whatever their status. */
    private String missingAsStored(int port, FaultLoad load, List<String> listed) {
        try {
            List<String> out = new ArrayList<>();
            for (JsonNode e : Apps.getJson(port, "/api/instances?status=all")) {
                if (alive(load).contains(e.path("instance").asText()) && !listed.contains(e.path("instance").asText())) {
                    out.add(e.toString());
                }
            }
            return out.toString();
        } catch (Exception e) {
            return "(could not read them: " + e.getMessage() + ")";
        }
    }

    private void assertQueriesComplete(int port, FaultLoad load) throws Exception {
        await("complete answers on port " + port, Duration.ofSeconds(30))
                .until(() -> Apps.get(port, "/api/instances").statusCode() == 200);
        List<String> listed = names(Apps.getJson(port, "/api/instances"));
        assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(alive(load));
        JsonNode groups = Apps.getJson(port, "/api/error-groups");
        assertThat(groups).as("every error group once").hasSize(12);
        groups.forEach(g -> assertThat(g.path("totalCount").asLong()).as(g.path("title").asText()).isEqualTo(8));
    }

    private static Set<String> alive(FaultLoad load) {
        Set<String> alive = new TreeSet<>();
        load.instanceKeys().stream().filter(k -> !load.killed().containsKey(k)).forEach(k -> alive.add(k.split("/")[1]));
        return alive;
    }

    private static List<String> names(JsonNode instances) {
        List<String> out = new ArrayList<>();
        instances.forEach(n -> out.add(n.path("instance").asText()));
        return out;
    }

    /** Returns the alerts posted twice because their post was in flight at the kill. */
    private static List<String> assertAlertsExactAndPostedOnce(List<Alert> alerts, RecordingSlack slack, FaultLoad load,
                                                               Instant killedAt) {
        await("every alert posted", Duration.ofSeconds(30)).until(() -> slack.postedAlertIds().size() >= alerts.size());
        load.assertExactly(alerts, LIMIT);
        return FaultLoad.assertPostedOnce(slack, alerts, List.of(killedAt), Slowness.scale(Duration.ofSeconds(1)));
    }

    private static List<Alert> alerts(EmbeddedKafkaBroker broker) {
        return Apps.alerts(broker.bootstrapServers(), "tocsin.alerts");
    }

    private static long errorAlerts(EmbeddedKafkaBroker broker) {
        return alerts(broker).stream().filter(a -> a.kind() == AlertKind.ERROR).count();
    }

    private static double secs(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
