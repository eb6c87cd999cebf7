package io.tocsin.bench;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.it.RecordingSlack;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.Topics;
import io.tocsin.topology.StoreNames;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Heartbeat monitoring at fleet scale ({@code bench/heartbeat-scale.sh [INSTANCES] [INTERVAL_S] [DURATION_S]}): an
 * embedded broker, a local Slack stand-in, a real app ({@link TocsinApp#start}, defaults: one stream thread,
 * exactly-once, {@code heartbeat.timeout} 10 s, check every 250 ms), and a {@link HeartbeatLoad}: INSTANCES instances
 * (default 100,000) over {@code -Dbench.services} services (default 1,000) beating every INTERVAL_S seconds (default 3)
 * for DURATION_S seconds (default 300), in this JVM or ({@code -Dbench.producer=fork}) in a JVM of its own. After
 * {@code -Dbench.warmup} seconds (default 30, or a quarter of the duration if less), every {@code -Dbench.deathEvery} seconds (default 3) one more instance,
 * each of a service of its own, stops beating, until timeout + 20 s before the end.
 *
 * <p>Reported: offered against acknowledged heartbeats per second; the app's progress (committed offsets on the
 * heartbeat input and on the monitor's by-service repartition topic, lag in records) every 5 s; the stream thread's
 * time shares (process, punctuate, commit, poll) and punctuation latency from its metrics; the CPU of the process and
 * of the stream threads (and, forked, of the producer's JVM), and by thread kind over the whole load; for each death
 * the latency from the victim's last acknowledged heartbeat to its INSTANCE_DOWN on {@code tocsin.alerts} (read
 * read_committed by a consumer here) and to the Slack stand-in receiving the post; every other availability alert
 * raised while the load ran (a false alarm: nothing else stopped).
 */
public final class HeartbeatScale {

    private static final long SAMPLE_MS = 5_000;

    /** One sample of the run, every {@value #SAMPLE_MS} ms. */
    private record Sample(double at, double offered, double acked, double inputRate, long inputLag, long monitorLag, long lateMs,
                          double processCores, double streamCores, double processRatio, double punctuateRatio, double commitRatio,
                          double pollRatio, double punctuateAvgMs, double punctuateMaxMs, long heapUsed, long rss, String load) {
    }

    public static void main(String[] args) throws Exception {
        int instances = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 100_000;
        long intervalMs = Math.round(1000 * (args.length > 1 ? Double.parseDouble(args[1]) : 3));
        long durationMs = 1000L * (args.length > 2 ? Long.parseLong(args[2]) : 300);
        int services = Math.min(instances, Integer.getInteger("bench.services", 1000));
        long warmupMs = 1000L * Integer.getInteger("bench.warmup", (int) Math.min(30, durationMs / 4000));
        long deathEveryMs = Math.round(1000 * Double.parseDouble(System.getProperty("bench.deathEvery", "3")));
        boolean fork = "fork".equals(System.getProperty("bench.producer", "inproc"));
        Map<String, String> overrides = BenchSupport.appOverrides();

        System.out.printf("heartbeat scale: %,d instances over %,d services every %d ms (%,.0f heartbeats/s offered) for %d s; "
                        + "producer %s; %d cores, max heap %d MiB, Java %s, pid %d, load average %s%n",
                instances, services, intervalMs, instances * 1000.0 / intervalMs, durationMs / 1000, fork ? "in a JVM of its own" : "in this JVM",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"),
                ProcessHandle.current().pid(), BenchSupport.load());
        if (!overrides.isEmpty()) {
            System.out.println("app configuration overrides: " + overrides);
        }
        int exit;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack()) {
            String applicationId = BenchSupport.freshId("bench-hb");
            Map<String, String> settings = new HashMap<>(Map.of("slack.webhook.url", slack.webhookUrl()));
            settings.putAll(overrides);
            AppConfig config = BenchSupport.appConfig(broker.bootstrapServers(), applicationId, settings);
            long timeoutMs = config.heartbeat().timeoutMs("any", intervalMs);
            long lastDeathMs = durationMs - timeoutMs - 20_000;
            HeartbeatLoad.Plan plan = new HeartbeatLoad.Plan(broker.bootstrapServers(), new Topics(config.topicPrefix()).heartbeats(),
                    instances, services, intervalMs, durationMs, warmupMs, deathEveryMs, lastDeathMs);
            System.out.printf("app: %s, heartbeat timeout %d ms (max(heartbeat.timeout, 2 x interval + 1 s)), check every %d ms, "
                            + "group wait %d ms, %d partitions; deaths every %d ms from %d s to %d s%n", applicationId, timeoutMs,
                    config.heartbeat().checkInterval().toMillis(), config.heartbeat().groupWait().toMillis(), config.topicPartitions(),
                    deathEveryMs, warmupMs / 1000, lastDeathMs / 1000);
            exit = run(config, plan, slack, fork, timeoutMs);
        }
        BenchSupport.deleteTempDirs();
        System.exit(exit);
    }

    private static int run(AppConfig config, HeartbeatLoad.Plan plan, RecordingSlack slack, boolean fork, long timeoutMs) throws Exception {
        String applicationId = config.applicationId();
        Topics topics = new Topics(config.topicPrefix());
        long t0 = System.nanoTime();
        TocsinApp app = BenchSupport.startApp(config);
        try (Admin admin = Admin.create(KafkaClients.common(config)); AlertWatch alerts = new AlertWatch(config, topics.alerts())) {
            if (!BenchSupport.awaitRunning(app, Duration.ofMinutes(2))) {
                throw new IllegalStateException("the app did not reach RUNNING within 2 minutes: " + app.streams().state());
            }
            System.out.printf("app RUNNING %.1f s after start; load average %s%n", (System.nanoTime() - t0) / 1e9, BenchSupport.load());
            BenchSupport.gc();
            long heapBefore = BenchSupport.usedHeap();
            long rssBefore = BenchSupport.rss();
            Path log = Files.createTempFile("tocsin-bench-heartbeat-producer-", ".log");
            HeartbeatLoad.View load = fork ? HeartbeatLoad.fork(plan, log) : HeartbeatLoad.start(plan);
            String monitorInput = StoreNames.repartitionTopic(applicationId, StoreNames.HEARTBEATS_BY_SERVICE);
            List<Sample> samples = new ArrayList<>();
            BenchSupport.ThreadCpus cpuStart = BenchSupport.ThreadCpus.now();
            long processCpuStart = BenchSupport.processCpu();
            long streamCpuStart = streamCpu(applicationId);
            long loadStartNs = System.nanoTime();
            long prevNs = loadStartNs;
            long prevSent = 0;
            long prevAcked = 0;
            long prevInput = 0;
            long prevCpu = processCpuStart;
            long prevStream = streamCpuStart;
            long gc0 = BenchSupport.gcTotals()[1];
            System.out.println();
            System.out.println("|   s | offered/s | acked/s | app input/s | input lag | monitor lag | send late ms | process cores | stream thread cores "
                    + "| process/punctuate/commit/poll ratio | punctuate avg/max ms | heap MiB | RSS MiB | load |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            while (!load.ended()) {
                Thread.sleep(SAMPLE_MS - (System.nanoTime() - loadStartNs) / 1_000_000 % SAMPLE_MS);
                long now = System.nanoTime();
                double dt = (now - prevNs) / 1e9;
                Map<TopicPartition, Long> inputEnd = BenchSupport.endOffsets(admin,
                        BenchSupport.partitionsOf(admin, List.of(topics.heartbeats())));
                var committed = BenchSupport.committed(admin, applicationId);
                long inputCommitted = inputEnd.keySet().stream().mapToLong(tp -> BenchSupport.offset(committed, tp)).sum();
                long inputLag = inputEnd.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - BenchSupport.offset(committed, e.getKey()))).sum();
                Map<String, Long> lag = BenchSupport.lagByTopic(admin, applicationId, List.of(monitorInput));
                long cpu = BenchSupport.processCpu();
                long stream = streamCpu(applicationId);
                Map<String, Double> m = threadMetrics(app.streams());
                long sent = load.sent();
                long acked = load.acked();
                Sample s = new Sample((now - loadStartNs) / 1e9, (sent - prevSent) / dt, (acked - prevAcked) / dt, (inputCommitted - prevInput) / dt,
                        inputLag, lag.getOrDefault(monitorInput, 0L), load.lateMs(), (cpu - prevCpu) / 1e9 / dt, (stream - prevStream) / 1e9 / dt,
                        m.getOrDefault("process-ratio", Double.NaN), m.getOrDefault("punctuate-ratio", Double.NaN),
                        m.getOrDefault("commit-ratio", Double.NaN), m.getOrDefault("poll-ratio", Double.NaN),
                        m.getOrDefault("punctuate-latency-avg", Double.NaN), m.getOrDefault("punctuate-latency-max", Double.NaN),
                        BenchSupport.usedHeap(), BenchSupport.rss(), BenchSupport.load1());
                samples.add(s);
                System.out.printf("| %3.0f | %,.0f | %,.0f | %,.0f | %,d | %,d | %,d | %.2f | %.2f | %.2f/%.2f/%.2f/%.2f | %.0f/%.0f | %,d | %,d | %s |%n",
                        s.at(), s.offered(), s.acked(), s.inputRate(), s.inputLag(), s.monitorLag(), s.lateMs(), s.processCores(), s.streamCores(),
                        s.processRatio(), s.punctuateRatio(), s.commitRatio(), s.pollRatio(), s.punctuateAvgMs(), s.punctuateMaxMs(),
                        s.heapUsed() >> 20, s.rss() >> 20, s.load());
                prevNs = now;
                prevSent = sent;
                prevAcked = acked;
                prevInput = inputCommitted;
                prevCpu = cpu;
                prevStream = stream;
            }
            load.awaitEnd();
            long loadEndNs = System.nanoTime();
            double wall = (loadEndNs - loadStartNs) / 1e9;
            long processCpu = BenchSupport.processCpu() - processCpuStart;
            long streamCpuUsed = streamCpu(applicationId) - streamCpuStart;
            List<Map.Entry<String, Long>> byKind = BenchSupport.ThreadCpus.now().since(cpuStart, applicationId);
            long gcMs = BenchSupport.gcTotals()[1] - gc0;
            long loadEndMs = System.currentTimeMillis();
            // the last deaths' alerts may still be on their way; nothing else goes down in these few seconds
            List<HeartbeatLoad.Death> deaths = load.deaths();
            long graceEnd = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < graceEnd && deaths.stream().anyMatch(d -> slack.postsContaining(d.key()).isEmpty())) {
                Thread.sleep(100);
            }
            String loadAtEnd = BenchSupport.load();
            long heapEnd = BenchSupport.usedHeap();
            long rssEnd = BenchSupport.rss();
            long heapAfterGc = BenchSupport.heapAfterFullGc();
            load.close();
            summary(plan, samples, deaths, load, alerts, slack, wall, processCpu, streamCpuUsed, byKind, gcMs, loadEndMs,
                    heapBefore, rssBefore, heapEnd, rssEnd, heapAfterGc, loadAtEnd, applicationId, timeoutMs, fork);
            writeCsv(plan, samples, fork);
            return 0;
        } finally {
            app.close();
        }
    }

    private static long streamCpu(String applicationId) {
        return BenchSupport.streamThreads(applicationId).stream().mapToLong(BenchSupport::threadCpu).sum();
    }

    /** The stream threads' {@code stream-thread-metrics} (averaged over the threads). */
    private static Map<String, Double> threadMetrics(KafkaStreams streams) {
        Map<String, double[]> sums = new HashMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                double[] s = sums.computeIfAbsent(name.name(), k -> new double[2]);
                s[0] += n.doubleValue();
                s[1]++;
            }
        });
        Map<String, Double> out = new HashMap<>();
        sums.forEach((k, v) -> out.put(k, v[0] / v[1]));
        return out;
    }

    // ---------------------------------------------------------------------------------------------------- alerts

    /** Reads {@code tocsin.alerts} (read_committed) from the start on a thread of its own; notes when each alert arrived. */
    private static final class AlertWatch implements AutoCloseable {
        record Seen(Alert alert, long atMs) {
        }

        private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, Long> firstDownAt = new ConcurrentHashMap<>();
        private final AtomicLong unreadable = new AtomicLong();
        private final Thread thread;
        private volatile boolean stop;

        AlertWatch(AppConfig config, String topic) {
            thread = new Thread(() -> {
                EventCodec codec = new EventCodec();
                try (KafkaConsumer<String, byte[]> c = BenchSupport.rawConsumer(config)) {
                    List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                    c.assign(parts);
                    c.seekToBeginning(parts);
                    while (!stop) {
                        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                            long at = System.currentTimeMillis();
                            try {
                                Alert a = codec.parseAlert(r.value());
                                seen.add(new Seen(a, at));
                                if (a.kind() == AlertKind.INSTANCE_DOWN) {
                                    firstDownAt.putIfAbsent(a.key(), at);
                                }
                            } catch (Exception e) {
                                unreadable.incrementAndGet();
                            }
                        }
                    }
                }
            }, "bench-alert-watch");
            thread.setDaemon(true);
            thread.start();
        }

        List<Seen> seen() {
            synchronized (seen) {
                return List.copyOf(seen);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5_000);
        }
    }

    // ---------------------------------------------------------------------------------------------------- report

    private static void summary(HeartbeatLoad.Plan plan, List<Sample> samples, List<HeartbeatLoad.Death> deaths, HeartbeatLoad.View load,
                                AlertWatch alerts, RecordingSlack slack, double wall, long processCpu, long streamCpu,
                                List<Map.Entry<String, Long>> byKind, long gcMs, long loadEndMs, long heapBefore, long rssBefore,
                                long heapEnd, long rssEnd, long heapAfterGc, String loadAtEnd, String applicationId, long timeoutMs,
                                boolean fork) {
        System.out.println();
        System.out.println("=== detection (latency from the victim's last acknowledged heartbeat) ===");
        List<Long> viaTopic = new ArrayList<>();
        List<Long> viaSlack = new ArrayList<>();
        int missedTopic = 0;
        int missedSlack = 0;
        for (HeartbeatLoad.Death d : deaths) {
            long lastAck = load.lastAck(d.index());
            Long topicAt = alerts.firstDownAt.get(d.key());
            List<RecordingSlack.Post> posts = slack.postsContaining(d.key());
            Long slackAt = posts.isEmpty() ? null : posts.get(0).at().toEpochMilli();
            if (topicAt == null) {
                missedTopic++;
            } else {
                viaTopic.add(topicAt - lastAck);
            }
            if (slackAt == null) {
                missedSlack++;
            } else {
                viaSlack.add(slackAt - lastAck);
            }
            System.out.printf("  %s stopped at %.1f s (last ack %d ms before): alert on topic %s, Slack post %s%n", d.key(),
                    (d.atMs() - load.startedAtMs()) / 1e3, d.atMs() - lastAck,
                    topicAt == null ? "none" : (topicAt - lastAck) + " ms", slackAt == null ? "none" : (slackAt - lastAck) + " ms");
        }
        // deaths after the app had first caught up (input and monitor lag together under a second of offered input):
        // before that the monitor holds every verdict back (its input is behind), so earlier deaths all wait for the catch-up
        double caughtUpAt = samples.stream().filter(s -> s.inputLag() + s.monitorLag() < plan.offeredPerSecond())
                .mapToDouble(Sample::at).findFirst().orElse(Double.NaN);
        List<Long> steadyTopic = new ArrayList<>();
        List<Long> steadySlack = new ArrayList<>();
        for (HeartbeatLoad.Death d : deaths) {
            if (!Double.isNaN(caughtUpAt) && (d.atMs() - load.startedAtMs()) / 1e3 > caughtUpAt) {
                Long topicAt = alerts.firstDownAt.get(d.key());
                List<RecordingSlack.Post> posts = slack.postsContaining(d.key());
                if (topicAt != null) {
                    steadyTopic.add(topicAt - load.lastAck(d.index()));
                }
                if (!posts.isEmpty()) {
                    steadySlack.add(posts.get(0).at().toEpochMilli() - load.lastAck(d.index()));
                }
            }
        }
        Collections.sort(steadyTopic);
        Collections.sort(steadySlack);
        Collections.sort(viaTopic);
        Collections.sort(viaSlack);
        // every availability alert while the load ran that is not a victim's INSTANCE_DOWN is a false alarm
        Map<String, Integer> victims = new HashMap<>();
        deaths.forEach(d -> victims.put(d.key(), d.index()));
        Map<String, Long> other = new TreeMap<>();
        long otherInstances = 0;
        for (AlertWatch.Seen s : alerts.seen()) {
            if (s.atMs() > loadEndMs || s.alert().kind() == AlertKind.ERROR || s.alert().kind() == AlertKind.ERROR_DIGEST) {
                continue;
            }
            if (s.alert().kind() == AlertKind.INSTANCE_DOWN && victims.containsKey(s.alert().key())) {
                continue;
            }
            other.merge(s.alert().kind().name(), 1L, Long::sum);
            otherInstances += s.alert().kind() == AlertKind.SERVICE_DOWN ? s.alert().text().split("\n").length : 1;
        }

        double offered = plan.offeredPerSecond();
        List<Sample> steady = samples.stream().filter(s -> s.at() > 20).toList();
        double ackedSteady = steady.stream().mapToDouble(Sample::acked).average().orElse(Double.NaN);
        double inputSteady = steady.stream().mapToDouble(Sample::inputRate).average().orElse(Double.NaN);
        Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        long maxLag = samples.stream().mapToLong(Sample::inputLag).max().orElse(0);
        long maxMonitorLag = samples.stream().mapToLong(Sample::monitorLag).max().orElse(0);

        System.out.println();
        System.out.println("=== summary ===");
        System.out.println();
        System.out.println("| measurement | value |");
        System.out.println("|---|---|");
        System.out.printf("| load | %,d instances, %,d services, interval %d ms, %d s; producer %s |%n", plan.instances(), plan.services(),
                plan.intervalMs(), plan.durationMs() / 1000, fork ? "in a JVM of its own" : "in the benchmark's JVM");
        System.out.printf("| heartbeats/s offered | %,.0f |%n", offered);
        System.out.printf("| heartbeats/s acknowledged (whole run / after 20 s) | %,.0f / %,.0f = %.2f × offered; sends late by up to %,d ms; %d failed |%n",
                load.acked() / wall, ackedSteady, ackedSteady / offered, load.maxLateMs(), load.failed());
        System.out.printf("| app input committed/s (after 20 s) | %,.0f = %.2f × offered |%n", inputSteady, inputSteady / offered);
        System.out.printf("| app lag, records: heartbeat input at the end / max; monitor input (by-service repartition) at the end / max | %s / %,d; %s / %,d |%n",
                last == null ? "-" : String.format("%,d", last.inputLag()), maxLag, last == null ? "-" : String.format("%,d", last.monitorLag()), maxMonitorLag);
        if (last != null && last.inputLag() > 0 && inputSteady > 0) {
            System.out.printf("| app lag at the end, seconds of input at its rate | %.1f s |%n", (last.inputLag() + last.monitorLag()) / inputSteady);
        }
        System.out.printf("| deaths | %d, each alone in its service; detected on `tocsin.alerts` %d, by the Slack stand-in %d |%n",
                deaths.size(), deaths.size() - missedTopic, deaths.size() - missedSlack);
        System.out.printf("| detection latency, last ack to alert on the topic | %s |%n", latencies(viaTopic, timeoutMs));
        System.out.printf("| detection latency, last ack to Slack post received | %s |%n", latencies(viaSlack, timeoutMs));
        System.out.printf("| the app first caught up (input + monitor lag under 1 s of offered input) | %s |%n",
                Double.isNaN(caughtUpAt) ? "**never** during the load" : String.format("at the %.0f s sample", caughtUpAt));
        if (!Double.isNaN(caughtUpAt)) {
            long after = deaths.stream().filter(d -> (d.atMs() - load.startedAtMs()) / 1e3 > caughtUpAt).count();
            System.out.printf("| detection latency of the %d deaths after that, to the topic / to Slack | %s / %s |%n", after,
                    latencies(steadyTopic, timeoutMs), latencies(steadySlack, timeoutMs));
        }
        System.out.printf("| other availability alerts while the load ran (false alarms) | %s |%n",
                other.isEmpty() ? "none" : other + " covering " + otherInstances + " instances");
        System.out.printf("| CPU, whole run (%.0f s) | process %.1f s = %.2f cores of %d (GC %.1f s)%s; stream threads %.1f s = %.2f cores |%n",
                wall, processCpu / 1e9, processCpu / 1e9 / wall, Runtime.getRuntime().availableProcessors(), gcMs / 1e3,
                String.format(fork ? "; the producer's own JVM %.1f s = %.2f cores" : "; of it the producer (sending and network threads) %.1f s = %.2f cores",
                        load.ownCpu() / 1e9, load.ownCpu() / 1e9 / wall),
                streamCpu / 1e9, streamCpu / 1e9 / wall);
        if (!steady.isEmpty()) {
            System.out.printf("| stream thread time shares after 20 s (metrics, mean of samples) | process %.2f, punctuate %.2f, commit %.2f, poll %.2f; "
                            + "punctuation mean %.0f ms, worst %.0f ms (a tick is due every 250 ms) |%n",
                    mean(steady, Sample::processRatio), mean(steady, Sample::punctuateRatio), mean(steady, Sample::commitRatio),
                    mean(steady, Sample::pollRatio), mean(steady, Sample::punctuateAvgMs),
                    steady.stream().mapToDouble(Sample::punctuateMaxMs).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN));
        }
        System.out.printf("| memory (whole JVM%s) | heap %,d MiB before the load (after GC), %,d MiB at the end, %,d MiB after a full GC; "
                        + "RSS %,d MiB before, %,d MiB at the end |%n", fork ? ": broker and app" : ": broker, producer and app",
                heapBefore >> 20, heapEnd >> 20, heapAfterGc >> 20, rssBefore >> 20, rssEnd >> 20);
        System.out.printf("| machine | %d cores; load average at the end %s |%n", Runtime.getRuntime().availableProcessors(), loadAtEnd);
        System.out.println();
        System.out.println("CPU over the load by thread kind (top 12):");
        byKind.stream().limit(12).forEach(e -> System.out.printf("  %7.1f s  %s%n", e.getValue() / 1e9, e.getKey()));
    }

    private static double mean(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
        return samples.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    private static String latencies(List<Long> sorted, long timeoutMs) {
        if (sorted.isEmpty()) {
            return "none detected";
        }
        long median = sorted.get(sorted.size() / 2);
        long max = sorted.get(sorted.size() - 1);
        return String.format("n=%d: median **%.2f s** (timeout + %.2f s), max **%.2f s** (timeout + %.2f s), min %.2f s", sorted.size(),
                median / 1e3, (median - timeoutMs) / 1e3, max / 1e3, (max - timeoutMs) / 1e3, sorted.get(0) / 1e3);
    }

    private static void writeCsv(HeartbeatLoad.Plan plan, List<Sample> samples, boolean fork) throws Exception {
        Path file = Path.of("streams-app", "target", "bench", String.format("heartbeat-scale-%d-%dms-%s.csv", plan.instances(), plan.intervalMs(), fork ? "fork" : "inproc"));
        Files.createDirectories(file.getParent());
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("seconds,offered_per_s,acked_per_s,app_input_per_s,input_lag,monitor_lag,send_late_ms,process_cores,stream_cores,"
                    + "process_ratio,punctuate_ratio,commit_ratio,poll_ratio,punctuate_avg_ms,punctuate_max_ms,heap_mib,rss_mib,load1");
            for (Sample s : samples) {
                out.printf(java.util.Locale.ROOT, "%.1f,%.0f,%.0f,%.0f,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.1f,%.1f,%d,%d,%s%n", s.at(), s.offered(),
                        s.acked(), s.inputRate(), s.inputLag(), s.monitorLag(), s.lateMs(), s.processCores(), s.streamCores(), s.processRatio(),
                        s.punctuateRatio(), s.commitRatio(), s.pollRatio(), s.punctuateAvgMs(), s.punctuateMaxMs(), s.heapUsed() >> 20,
                        s.rss() >> 20, s.load());
            }
        }
        System.out.println("samples: " + file);
    }
}
