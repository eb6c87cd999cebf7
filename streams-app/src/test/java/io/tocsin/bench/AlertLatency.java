package io.tocsin.bench;

import io.tocsin.app.TocsinApp;
import io.tocsin.app.TopicProvisioner;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.errors.Fingerprinter;
import io.tocsin.it.RecordingSlack;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;

/**
 * How long an error takes from the service's send to Slack, through a real app
 * ({@code bench/alert-latency.sh [MAX_RATE] [SECONDS] [LOW_PCT] [HIGH_PCT] [NEW_SHARE]}):
 * <ol>
 * <li>an embedded broker; a local HTTP server standing in for Slack ({@link RecordingSlack}: the receive time and body
 * of every POST); a real app ({@link TocsinApp#start}, defaults but for its webhook pointing at that server);</li>
 * <li>a warm-up: {@value #KNOWN} known fingerprints sent {@code error.alert.limit} times each, so that they are
 * throttled from then on, and their alerts posted;</li>
 * <li>two phases, LOW_PCT (default 10) and HIGH_PCT (default 80) of MAX_RATE events/s, each SECONDS long (default
 * 60): one producer (the app's client settings: acks=all, idempotent) sending realistic events ({@link RealisticErrors},
 * about 10 kB) at a constant rate, a NEW_SHARE (default 0.1) of them, evenly spread, the first event of a fingerprint
 * never seen before (each alerts once), the rest repeats of the known fingerprints (throttled: no alert);</li>
 * <li>after each phase, a wait until every new fingerprint's alert has been posted (at most {@value #DRAIN_S} s).</li>
 * </ol>
 * For every new fingerprint, latency = the POST that carried its alert received − the producer's send of its first
 * event (wall clock, both in this JVM), split at the moment a read_committed consumer of {@code tocsin.alerts} saw the
 * alert: send to alert committed (parse, repartition, throttle, two exactly-once commits) and committed to POST (the
 * notifier and the route's pacing). A post's alert ids ({@code tocsin:<id>}) are matched to fingerprints through the
 * {@link Alert} records on the alerts topic. {@code -Dbench.app.KEY=VALUE} sets an app key, e.g.
 * {@code -Dbench.app.slack.route.interval=0s}.
 */
public final class AlertLatency {

    private static final int KNOWN = 100;
    private static final long DRAIN_S = 180;
    private static final int PARTITIONS = 3;
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(30);

    /** What one phase sent: its target rate, the events and the first send of each new fingerprint, in epoch microseconds. */
    private record Phase(String name, double targetRate, long sent, double seconds, Map<String, Long> firstSend, long startMicros) {
        double achievedRate() {
            return sent / seconds;
        }
    }

    /** A phase's latencies, in microseconds; and the posts that carried its alerts. */
    private record Latencies(Histogram endToEnd, Histogram toCommitted, Histogram toPost, int posts, int maxPerPost,
                             long missing, long unexpected) {
    }

    public static void main(String[] args) throws Exception {
        double maxRate = Double.parseDouble(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        double lowPct = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        double highPct = args.length > 3 ? Double.parseDouble(args[3]) : 80;
        double newShare = args.length > 4 ? Double.parseDouble(args[4]) : 0.1;
        double[] rates = {maxRate * lowPct / 100, maxRate * highPct / 100};
        System.out.printf("alert latency: max rate %.0f events/s, phases at %.0f%% (%.1f/s) and %.0f%% (%.1f/s), %d s each, %.0f%% of events "
                        + "new fingerprints; %d cores, Java %s, pid %d, load average %s%n", maxRate, lowPct, rates[0], highPct, rates[1],
                seconds, newShare * 100, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                ProcessHandle.current().pid(), BenchSupport.load());
        int groups = KNOWN + (int) Math.ceil((rates[0] + rates[1]) * seconds * newShare) + 2;
        boolean ok;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack()) {
            Map<String, String> overrides = new HashMap<>(BenchSupport.appOverrides());
            overrides.put("slack.webhook.url", slack.webhookUrl());
            AppConfig config = BenchSupport.appConfig(broker.bootstrapServers(), BenchSupport.freshId("bench-latency"),
                    BenchSupport.sized(PARTITIONS, 1, overrides));
            TopicProvisioner.ensure(config);
            Topics topics = new Topics(config.topicPrefix());
            printSettings(config);
            Workload workload = new Workload(groups, newShare);
            TocsinApp app = BenchSupport.startApp(config);
            try (AlertWatcher watcher = new AlertWatcher(config, topics);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
                awaitRunning(app);
                Sender sender = new Sender(producer, topics, workload);
                warmUp(sender, slack, watcher, config.throttle().limit());
                List<Latencies> results = new ArrayList<>();
                List<Phase> phases = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    String name = String.format("%.0f%% of max", i == 0 ? lowPct : highPct);
                    Phase phase = sender.phase(name, rates[i], seconds);
                    drain(phase, slack, watcher);
                    phases.add(phase);
                    results.add(measure(phase, slack, watcher, workload.knownFingerprints()));
                }
                printSummary(phases, results);
                ok = results.stream().allMatch(r -> r.missing() == 0 && r.unexpected() == 0);
            } finally {
                app.close();
            }
        }
        BenchSupport.deleteTempDirs();
        System.exit(ok ? 0 : 1); // stray non-daemon client threads must not keep the benchmark alive
    }

    /** The settings between an error and its post, as this app has them (defaults unless -Dbench.app overrides). */
    private static void printSettings(AppConfig config) {
        System.out.printf("settings on the path: kafka commit.interval.ms %s (exactly-once v2; the error path crosses two transactions: "
                        + "input to the by-fingerprint repartition topic, then throttle to tocsin.alerts, which the notifier reads "
                        + "read_committed); notifier: poll returns on data (waits at most 200 ms when idle), max.poll.records 100; "
                        + "slack.route.interval %s (at most one post per route per interval); slack.batch.min %d (a backlog of more "
                        + "goes as one batch message of up to 50, as does one whose oldest alert waited 30 s)%n",
                config.kafka().getOrDefault("commit.interval.ms", "100"), config.slackRouteInterval(), config.slackBatchMin());
    }

    private static void awaitRunning(TocsinApp app) throws InterruptedException {
        if (!BenchSupport.awaitRunning(app, Duration.ofMinutes(2))) {
            throw new IllegalStateException("the app is not RUNNING after 2 minutes: " + app.streams().state());
        }
    }

    /** The known fingerprints up to their limit, so that every repeat in the phases is throttled; waits until their alerts are posted. */
    private static void warmUp(Sender sender, RecordingSlack slack, AlertWatcher watcher, int limit) throws InterruptedException {
        long t0 = System.nanoTime();
        Set<String> known = sender.sendKnown(limit);
        long expected = (long) known.size() * limit;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_S);
        long posted = 0;
        while (System.nanoTime() < deadline && (posted = postedAlertsOf(known, slack, watcher)) < expected) {
            Thread.sleep(200);
        }
        System.out.printf("warm-up: %,d known fingerprints × %d sent, %,d of their %,d alerts posted after %.1f s; load average %s%n",
                known.size(), limit, posted, expected, (System.nanoTime() - t0) / 1e9, BenchSupport.load());
    }

    private static long postedAlertsOf(Set<String> fingerprints, RecordingSlack slack, AlertWatcher watcher) {
        return slack.postedAlertIds().stream().distinct().map(watcher::alert)
                .filter(a -> a != null && fingerprints.contains(a.key())).count();
    }

    /** Waits until the alert of every new fingerprint of the phase has been posted, or {@value #DRAIN_S} s. */
    private static void drain(Phase phase, RecordingSlack slack, AlertWatcher watcher) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(DRAIN_S);
        long posted = 0;
        while (System.nanoTime() < deadline && (posted = postedAlertsOf(phase.firstSend().keySet(), slack, watcher)) < phase.firstSend().size()) {
            Thread.sleep(200);
        }
        System.out.printf("%s: the last of %,d new fingerprints' alerts posted %.1f s after the phase ended (%,d posted); load average %s%n",
                phase.name(), phase.firstSend().size(), (System.nanoTime() - t0) / 1e9, posted, BenchSupport.load());
    }

    // ---------------------------------------------------------------------------------------------------- measuring

    /** Matches every post since the phase started to the phase's new fingerprints through the alerts topic. */
    private static Latencies measure(Phase phase, RecordingSlack slack, AlertWatcher watcher, Set<String> known) {
        Histogram endToEnd = new Histogram(HIGHEST_MICROS, 3);
        Histogram toCommitted = new Histogram(HIGHEST_MICROS, 3);
        Histogram toPost = new Histogram(HIGHEST_MICROS, 3);
        Set<String> done = new HashSet<>();
        int posts = 0;
        int maxPerPost = 0;
        long unexpected = 0;
        for (RecordingSlack.Post post : slack.posts()) {
            long postMicros = micros(post.at());
            if (postMicros < phase.startMicros()) {
                continue;
            }
            List<String> ids = RecordingSlack.alertIds(post.body());
            posts++;
            maxPerPost = Math.max(maxPerPost, ids.size());
            for (String id : ids) {
                Alert alert = watcher.alert(id);
                if (alert != null && known.contains(alert.key())) {
                    unexpected++; // a repeat of a saturated fingerprint: the throttle let it through
                }
                Long sent = alert == null ? null : phase.firstSend().get(alert.key());
                if (sent == null || alert.kind() != AlertKind.ERROR || !done.add(alert.key())) {
                    continue;
                }
                long committed = watcher.seenAt(id);
                endToEnd.recordValue(Math.max(0, postMicros - sent));
                toCommitted.recordValue(Math.max(0, committed - sent));
                toPost.recordValue(Math.max(0, postMicros - committed));
            }
        }
        return new Latencies(endToEnd, toCommitted, toPost, posts, maxPerPost, phase.firstSend().size() - done.size(), unexpected);
    }

    static long micros(Instant at) {
        return TimeUnit.SECONDS.toMicros(at.getEpochSecond()) + at.getNano() / 1_000;
    }

    // ---------------------------------------------------------------------------------------------------- summary

    private static void printSummary(List<Phase> phases, List<Latencies> results) {
        System.out.println();
        System.out.println("=== summary ===");
        System.out.printf("load average at the end %s%n%n", BenchSupport.load());
        System.out.println("| phase | events/s target (achieved) | new fingerprints = alerts | posted, missing | send → POST p50 / p90 / p99 / max "
                + "| send → alert committed p50 / p99 / max | committed → POST p50 / p99 / max | posts, most alerts in one | throttled repeats alerted |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            Latencies l = results.get(i);
            System.out.printf("| %s | %.1f (%.1f) | %,d | %,d, %,d | **%s / %s / %s / %s ms** | %s / %s / %s ms | %s / %s / %s ms | %,d, %d | %,d |%n",
                    p.name(), p.targetRate(), p.achievedRate(), p.firstSend().size(), l.endToEnd().getTotalCount(), l.missing(),
                    ms(l.endToEnd(), 50), ms(l.endToEnd(), 90), ms(l.endToEnd(), 99), ms(l.endToEnd(), 100),
                    ms(l.toCommitted(), 50), ms(l.toCommitted(), 99), ms(l.toCommitted(), 100),
                    ms(l.toPost(), 50), ms(l.toPost(), 99), ms(l.toPost(), 100), l.posts(), l.maxPerPost(), l.unexpected());
        }
    }

    private static String ms(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) {
            return "-";
        }
        long v = percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile);
        return String.format("%,.0f", v / 1e3);
    }

    // ---------------------------------------------------------------------------------------------------- load

    /**
     * The bugs to send: {@value #KNOWN} known ones first, then new ones in order; each one's fingerprint, computed with
     * the app's {@link Fingerprinter} up front (all distinct, or the alerts could not be told apart).
     */
    private static final class Workload {
        private final RealisticErrors generator;
        private final List<String> fingerprints = new ArrayList<>();
        private final double newShare;
        private final Random random = new Random(7);
        private int nextNew = KNOWN;

        Workload(int groups, double newShare) {
            this.generator = new RealisticErrors(groups, 42);
            this.newShare = newShare;
            Fingerprinter fingerprinter = new Fingerprinter();
            for (int g = 0; g < groups; g++) {
                fingerprints.add(fingerprinter.fingerprint(generator.of(g)).id());
            }
            if (new HashSet<>(fingerprints).size() != groups) {
                throw new IllegalStateException("the generator's " + groups + " bugs do not have distinct fingerprints");
            }
        }

        Set<String> knownFingerprints() {
            return new HashSet<>(fingerprints.subList(0, KNOWN));
        }

        /** Event {@code k} of a phase is the first of a new fingerprint when it crosses the next multiple of 1 / share. */
        boolean isNew(long k) {
            return Math.floor((k + 1) * newShare) > Math.floor(k * newShare);
        }

        int nextGroup(boolean isNew) {
            if (!isNew) {
                return random.nextInt(KNOWN);
            }
            if (nextNew == fingerprints.size()) {
                throw new IllegalStateException("ran out of new fingerprints");
            }
            return nextNew++;
        }
    }

    /** One producer, as a service's agent would have it; sends at a constant rate and notes when each new fingerprint was first sent. */
    private static final class Sender {
        private final KafkaProducer<String, byte[]> producer;
        private final Topics topics;
        private final Workload workload;
        private final EventCodec codec = new EventCodec();
        private final AtomicLong failed = new AtomicLong();

        Sender(KafkaProducer<String, byte[]> producer, Topics topics, Workload workload) {
            this.producer = producer;
            this.topics = topics;
            this.workload = workload;
        }

        Set<String> sendKnown(int times) {
            for (int i = 0; i < times; i++) {
                for (int g = 0; g < KNOWN; g++) {
                    send(workload.generator.of(g));
                }
            }
            producer.flush();
            return workload.knownFingerprints();
        }

        Phase phase(String name, double rate, int seconds) {
            long n = Math.round(rate * seconds);
            Map<String, Long> firstSend = new ConcurrentHashMap<>();
            long startMicros = micros(Instant.now());
            long t0 = System.nanoTime();
            for (long k = 0; k < n; k++) {
                // a constant rate by schedule: an event late because sending blocked goes at once, so the rate holds on average
                parkUntil(t0 + (long) (k * 1e9 / rate));
                boolean isNew = workload.isNew(k);
                int group = workload.nextGroup(isNew);
                long sentAt = send(workload.generator.of(group));
                if (isNew) {
                    firstSend.put(workload.fingerprints.get(group), sentAt);
                }
            }
            producer.flush();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " sends failed");
            }
            System.out.printf("%s: sent %,d events in %.1f s (%.1f/s, target %.1f/s), %,d of them new fingerprints; load average %s%n",
                    name, n, elapsed, n / elapsed, rate, firstSend.size(), BenchSupport.load());
            return new Phase(name, rate, n, elapsed, firstSend, startMicros);
        }

        /** Sends one event; returns the send time in epoch microseconds (just before the producer takes it). */
        private long send(ExceptionEvent e) {
            byte[] value = codec.write(e);
            long at = micros(Instant.now());
            producer.send(new ProducerRecord<>(topics.errors(), e.key(), value), (md, ex) -> {
                if (ex != null) {
                    failed.incrementAndGet();
                }
            });
            return at;
        }

        private static void parkUntil(long nanoTime) {
            for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** Reads {@code tocsin.alerts} as the notifier does (read_committed) and notes when each alert was first seen. */
    private static final class AlertWatcher implements AutoCloseable {
        private record Seen(Alert alert, long atMicros) {
        }

        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, Seen> seen = new ConcurrentHashMap<>();
        private final EventCodec codec = new EventCodec();
        private final Thread thread;
        private volatile boolean running = true;

        AlertWatcher(AppConfig config, Topics topics) {
            this.consumer = BenchSupport.rawConsumer(config);
            BenchSupport.assignFromStart(consumer, topics.alerts());
            this.thread = new Thread(this::run, "bench-alert-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        note(r.value(), micros(Instant.now()));
                    }
                }
            } catch (WakeupException closing) {
                // close() stops the poll
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        private void note(byte[] value, long atMicros) {
            try {
                Alert a = codec.parseAlert(value);
                seen.putIfAbsent(a.id(), new Seen(a, atMicros));
            } catch (InvalidEventException e) {
                throw new IllegalStateException("an alert the app wrote does not parse", e);
            }
        }

        Alert alert(String id) {
            Seen s = seen.get(id);
            return s == null ? null : s.alert();
        }

        long seenAt(String id) {
            return seen.get(id).atMicros();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(10_000);
        }
    }
}
