package io.tocsin.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.HeartbeatEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The scripted load of the fault tests: instances that beat until the test kills them, and error groups fed at a
 * steady pace from a thread of their own, so a fault can strike mid-stream. It knows exactly which alerts that load
 * must give: per group the occurrences 1..limit, one {@code INSTANCE_DOWN} per instance killed, nothing else.
 */
final class FaultLoad implements AutoCloseable {

    private final EventCodec codec = new EventCodec();
    private final KafkaProducer<String, byte[]> producer;
    private final String prefix;
    private final Map<String, Instant> dead = new ConcurrentHashMap<>();
    private final Set<String> instances;
    private final Map<String, AtomicInteger> sentPerGroup = new ConcurrentHashMap<>();
    private final Thread beater;
    private volatile boolean open = true;
    private Thread feeder;

    /**
     * @param instancesPerService e.g. {"pay": 3}: instances {@code pay-1..pay-3} start beating every {@code beatEvery}
     */
    FaultLoad(String bootstrapServers, String topicPrefix, Map<String, Integer> instancesPerService, Duration beatEvery) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("linger.ms", 5);
        // the load must not stall on the producer itself: in one CI run an idempotent producer's first batch to
        // tocsin.heartbeats-0 was refused as out of order (OutOfOrderSequenceException, seq 0 against the broker's 2,
        // 3, 5, ...) for two minutes, so the "alive" instances really went silent; heartbeats need neither idempotence
        // nor exactly-once (a resent beat changes nothing, a resent exception event is dropped by its id), only order
        p.put("enable.idempotence", false);
        p.put("acks", "all");
        p.put("max.in.flight.requests.per.connection", 1);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.prefix = topicPrefix;
        this.instances = new TreeMap<>(instancesPerService).entrySet().stream()
                .flatMap(e -> java.util.stream.IntStream.rangeClosed(1, e.getValue()).mapToObj(i -> e.getKey() + "/" + e.getKey() + "-" + i))
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        this.beater = new Thread(() -> beat(beatEvery), "fault-load-beater");
        beater.setDaemon(true);
        beater.start();
    }

    private void beat(Duration every) {
        while (open) {
            for (String key : instances) {
                if (!dead.containsKey(key)) {
                    String[] si = key.split("/");
                    HeartbeatEvent hb = new HeartbeatEvent("heartbeat", 1, Instant.now(), si[0], si[1], "prod", null,
                            every.toMillis(), HeartbeatEvent.Status.UP, Map.of("connections", 1.0));
                    producer.send(new ProducerRecord<>(prefix + "heartbeats", hb.key(), codec.write(hb)));
                }
            }
            sleep(every);
        }
    }

    /** The instance stops beating now; returns when it last beat, at the latest. */
    Instant kill(String service, String instance) {
        Instant now = Instant.now();
        dead.put(service + "/" + instance, now);
        return now;
    }

    /**
     * Starts feeding {@code perGroup} occurrences of each of {@code groups} error groups (spread over the services
     * given, round robin), one event every {@code pace}, from a thread of its own.
     */
    void feedErrors(List<String> services, int groups, int perGroup, Duration pace) {
        feeder = new Thread(() -> {
            for (int round = 0; round < perGroup && open; round++) {
                for (int g = 0; g < groups && open; g++) {
                    sendError(services.get(g % services.size()), g);
                    sleep(pace);
                }
            }
        }, "fault-load-errors");
        feeder.setDaemon(true);
        feeder.start();
    }

    void awaitFed(Duration timeout) throws InterruptedException {
        feeder.join(timeout.toMillis());
        assertThat(feeder.isAlive()).as("the error feed finished").isFalse();
        producer.flush();
    }

    void sendError(String service, int group) {
        ExceptionEvent e = new ExceptionEvent("exception", 1, UUID.randomUUID().toString(), Instant.now(), service,
                service + "-1", "prod", "RUNTIME", new ExceptionInfo("com.acme.Fault" + group + "Exception", "failure " + group,
                List.of(new Frame("com.acme.Fault" + group, "run", "Fault.java", 10 + group, true)), null),
                null, Map.of(), null, 1);
        producer.send(new ProducerRecord<>(prefix + "errors", e.key(), codec.write(e)));
        sentPerGroup.computeIfAbsent(groupTitle(group), k -> new AtomicInteger()).incrementAndGet();
    }

    /** The group's exception type as its alert titles show it. */
    static String groupTitle(int group) {
        return "Fault" + group + "Exception";
    }

    int sent() {
        return sentPerGroup.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    Map<String, Instant> killed() {
        return Map.copyOf(dead);
    }

    Collection<String> instanceKeys() {
        return List.copyOf(instances);
    }

    /** How many ERROR alerts the load must give at this alert limit (per group: occurrences 1..min(sent, limit)). */
    int expectedErrorAlerts(int limit) {
        return sentPerGroup.values().stream().mapToInt(n -> Math.min(n.get(), limit)).sum();
    }

    /**
     * The alerts are exactly those of the load: every group alerted with occurrences 1..min(sent, limit), in order,
     * one {@code INSTANCE_DOWN} per killed instance, no other availability alert (a restart or failover that made
     * one up is a false alarm), and no id twice.
     */
    void assertExactly(List<Alert> alerts, int limit) {
        assertThat(alerts).extracting(Alert::id).as("alert ids").doesNotHaveDuplicates();
        Map<String, List<Integer>> byGroup = new TreeMap<>();
        alerts.stream().filter(a -> a.kind() == AlertKind.ERROR)
                .forEach(a -> byGroup.computeIfAbsent(groupOf(a), k -> new ArrayList<>()).add(a.occurrence()));
        Map<String, List<Integer>> expected = new TreeMap<>();
        sentPerGroup.forEach((title, n) -> expected.put(title,
                java.util.stream.IntStream.rangeClosed(1, Math.min(n.get(), limit)).boxed().toList()));
        assertThat(byGroup).as("ERROR alerts per group").isEqualTo(expected);
        List<String> availability = alerts.stream().filter(a -> a.kind() != AlertKind.ERROR)
                .map(a -> a.kind() + " " + a.service() + "/" + a.instance()).sorted().toList();
        List<String> downs = dead.keySet().stream().map(k -> AlertKind.INSTANCE_DOWN + " " + k).sorted().toList();
        assertThat(availability).as("availability alerts: one INSTANCE_DOWN per killed instance, nothing else")
                .isEqualTo(downs);
    }

    /**
     * Every alert reached Slack exactly once, but for one window no webhook can close: a post Slack accepted just
     * before a SIGKILL, whose id the dead notifier had no time to record, is posted again by its successor (the
     * successor cannot know; the alternative, recording before posting, would lose the alert instead). So an id may
     * show twice only if its first post was answered within {@code inFlight} before a kill. Returns those repeats.
     */
    static List<String> assertPostedOnce(RecordingSlack slack, List<Alert> alerts, List<Instant> kills, Duration inFlight) {
        List<String> posted = slack.postedAlertIds();
        assertThat(new java.util.HashSet<>(posted)).as("every alert posted")
                .isEqualTo(alerts.stream().map(Alert::id).collect(Collectors.toSet()));
        List<String> repeated = posted.stream().filter(id -> java.util.Collections.frequency(posted, id) > 1).distinct().toList();
        for (String id : repeated) {
            assertThat(java.util.Collections.frequency(posted, id)).as("posts of " + id).isEqualTo(2);
            Instant first = slack.postsContaining("tocsin:" + id).get(0).at();
            kills.forEach(k -> System.out.printf("posted twice: %s, first post %d ms before the kill returned%n", id,
                    Duration.between(first, k).toMillis()));
            assertThat(kills).as("alert %s posted twice; first post at %s was not in flight at a kill", id, first)
                    .anyMatch(k -> !first.isAfter(k) && Duration.between(first, k).compareTo(inFlight) <= 0);
        }
        return repeated;
    }

    private static String groupOf(Alert a) {
        return a.title().replaceAll("^(Fault\\d+Exception).*", "$1");
    }

    /** The alerts for the killed instance, for detection figures. */
    static Alert downOf(List<Alert> alerts, String service, String instance) {
        return alerts.stream().filter(a -> a.kind() == AlertKind.INSTANCE_DOWN && service.equals(a.service())
                && instance.equals(a.instance())).findFirst().orElse(null);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        beater.join(5_000);
        if (feeder != null) {
            feeder.join(5_000);
        }
        producer.close(Duration.ofSeconds(5));
    }
}
