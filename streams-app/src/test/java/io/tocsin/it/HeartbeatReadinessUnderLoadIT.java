package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Detection under a sustained heartbeat load. About a hundred instances of five services beat 2,000 to 2,500 times a
 * second in all, so the input is rarely within a few records of its end and each exactly-once commit lands a burst on
 * the monitor. The app is stopped for a while as the load goes on and comes back to a backlog of tens of thousands of
 * heartbeats; as it does, one more instance of a busy service stops beating. The readiness gate must hold verdicts
 * back while the backlog is read (no false alarm for the instances that kept beating) and then let the monitor judge
 * (the stopped instance is reported down), all while the load keeps going.
 *
 * <p>The rate is {@value #RATE} a second on a quiet machine, less on one the {@link Slowness} factor calls slower
 * (which also processes less: a pipeline that truly cannot keep up is rightly not caught up), never under
 * {@value #MIN_RATE}. Every wait is scaled; the achieved rate and the detection time are printed, not asserted.
 */
@ScaledTimeout(seconds = 150)
class HeartbeatReadinessUnderLoadIT {

    private static final int SERVICES = 5;
    private static final int PER_SERVICE = 20;
    /** Heartbeats a second, all instances together, on a quiet machine. */
    private static final int RATE = 2_500;
    private static final int MIN_RATE = 2_000;
    /** How long the load runs at least once the app is back (scaled); every check is made while it runs. */
    private static final Duration LOAD = Duration.ofSeconds(25);
    private static final Duration WARM_UP = Duration.ofSeconds(6);
    private static final Duration AWAY = Duration.ofSeconds(12);
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    private static final String VICTIM_SERVICE = "load-0";
    private static final String VICTIM = "load-0-stops";
    private static final Set<AlertKind> DOWN = EnumSet.of(AlertKind.INSTANCE_DOWN, AlertKind.SERVICE_DOWN, AlertKind.INSTANCE_FLAPPING);

    @Test
    void anInstanceThatStopsBeatingIsReportedDownAndNoneOfAHundredThatKeepBeatingThousandsOfTimesASecondIs() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            AppConfig config = Apps.config(broker, null, Map.of("heartbeat.timeout", Waits.configDuration(TIMEOUT)));
            String alertsTopic = config.topicPrefix() + "alerts";
            Load load = new Load(config);
            try {
                try (TocsinApp first = Apps.start(config)) {
                    load.start();
                    Waits.letTimePass(WARM_UP);
                }
                // the app is away while the load goes on: it comes back to a backlog of tens of thousands of heartbeats
                Waits.letTimePass(AWAY);
                try (TocsinApp app = Apps.start(config)) {
                    assertThat(load.failure.get()).as("heartbeat sends").isNull();
                    load.victimBeating.set(false);
                    long stoppedAt = System.currentTimeMillis();

                    await("INSTANCE_DOWN for " + VICTIM + " under load", Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> downs(Apps.alerts(broker.bootstrapServers(), alertsTopic)).stream()
                                    .anyMatch(a -> VICTIM.equals(a.instance())));
                    System.out.printf(Locale.ROOT, "[readiness-under-load] %s reported down %d ms after its last heartbeat"
                            + " (timeout %s)%n", VICTIM, System.currentTimeMillis() - stoppedAt, Waits.configDuration(TIMEOUT));

                    // the others keep beating for the rest of the load: none of them may be reported down meanwhile
                    long rest = Slowness.scale(LOAD).toMillis() - (System.currentTimeMillis() - stoppedAt);
                    if (rest > 0) {
                        Thread.sleep(rest);
                    }
                    List<Alert> downs = downs(Apps.alerts(broker.bootstrapServers(), alertsTopic));
                    assertThat(load.failure.get()).as("heartbeat sends").isNull();
                    assertThat(load.alive()).as("the load still runs while alerts are read").isTrue();
                    assertThat(downs).as("down alerts while the load ran")
                            .extracting(Alert::kind, Alert::instance)
                            .containsExactly(tuple(AlertKind.INSTANCE_DOWN, VICTIM));
                }
            } finally {
                load.stop();
            }
            double seconds = load.elapsedMs() / 1000.0;
            System.out.printf(Locale.ROOT, "[readiness-under-load] sent %d heartbeats in %.1f s: %.0f a second"
                    + " (target %d a second, slowness %.1f)%n", load.sent.get(), seconds, load.sent.get() / seconds,
                    load.rate, Slowness.factor());
            assertThat(load.sent.get()).as("heartbeats sent: the load was sustained")
                    .isGreaterThan((long) (load.rate * seconds / 2));
        }
    }

    private static List<Alert> downs(List<Alert> alerts) {
        return alerts.stream().filter(a -> DOWN.contains(a.kind())).toList();
    }

    /** A producer thread beating for every instance, round robin, paced to the rate. */
    private static final class Load {

        final int rate = (int) Math.max(MIN_RATE, RATE / Slowness.factor());
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicBoolean victimBeating = new AtomicBoolean(true);
        final AtomicLong sent = new AtomicLong();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        private final AppConfig config;
        private final Thread thread;
        private volatile long startedAt;
        private volatile long endedAt;

        Load(AppConfig config) {
            this.config = config;
            this.thread = new Thread(this::run, "heartbeat-load");
            this.thread.setDaemon(true);
        }

        void start() {
            startedAt = System.currentTimeMillis();
            thread.start();
        }

        boolean alive() {
            return running.get() && thread.isAlive();
        }

        long elapsedMs() {
            long end = endedAt;
            return (end == 0 ? System.currentTimeMillis() : end) - startedAt;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(Slowness.scale(Duration.ofSeconds(30)).toMillis());
        }

        private void run() {
            EventCodec codec = new EventCodec();
            List<String[]> instances = new ArrayList<>();
            for (int s = 0; s < SERVICES; s++) {
                for (int i = 0; i < PER_SERVICE; i++) {
                    instances.add(new String[] {"load-" + s, "load-" + s + "-" + i});
                }
            }
            instances.add(new String[] {VICTIM_SERVICE, VICTIM});
            long intervalMs = Math.max(1, 1000L * instances.size() / rate);
            Properties props = KafkaClients.producer(config);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            String topic = config.topicPrefix() + "heartbeats";
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
                long n = 0;
                while (running.get()) {
                    String[] who = instances.get((int) (n++ % instances.size()));
                    if (who[1].equals(VICTIM) && !victimBeating.get()) {
                        continue;
                    }
                    HeartbeatEvent beat = new HeartbeatEvent("heartbeat", 1, Instant.now(), who[0], who[1], "prod", null,
                            intervalMs, HeartbeatEvent.Status.UP, Map.of());
                    producer.send(new ProducerRecord<>(topic, beat.key(), codec.write(beat)), (md, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    long done = sent.incrementAndGet();
                    long due = startedAt + done * 1000 / rate;
                    long ahead = due - System.currentTimeMillis();
                    if (ahead > 2) {
                        Thread.sleep(ahead);
                    }
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            } finally {
                endedAt = System.currentTimeMillis();
            }
        }
    }
}
