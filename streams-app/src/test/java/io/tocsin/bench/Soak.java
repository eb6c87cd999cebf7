package io.tocsin.bench;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Constant load and constant cardinality for a while, to see whether memory stays flat
 * ({@code bench/soak.sh [DURATION_S] [ERRORS_PER_S] [FINGERPRINTS] [INSTANCES] [INTERVAL_S]}, defaults 600, 200, 1,000,
 * 2,000, 3): an embedded broker, a real app (defaults), small exception events (about 1.3 kB, {@link BenchSupport#smallError})
 * at ERRORS_PER_S over FINGERPRINTS fingerprints round robin through one batching producer, and a {@link HeartbeatLoad}
 * of INSTANCES instances beating every INTERVAL_S seconds (no deaths), all in this JVM.
 *
 * <p>Every 10 s: heap used, heap right after the latest collection (young ones included, {@link BenchSupport#heapAfterLastGc}),
 * RSS, the app's lag (input and repartition topics, records), RocksDB's block cache (shared, memtables charged to it)
 * and memtables, the state directory's size, the acknowledged rates and the process's CPU. Heap after a full GC is taken
 * once the load has run a minute and again at the end. At the end: a table, the least-squares slope per minute of
 * heap-after-GC and RSS (whole run, and after the first two minutes), a CSV and SVG plots in {@code docs/img/}.
 */
public final class Soak {

    private static final long SAMPLE_MS = 10_000;

    private record Sample(double at, long heapUsed, long heapAfterGc, long rss, long inputLag, long repartitionLag, long blockCache,
                          long memtables, long stateDir, double errorsPerS, double beatsPerS, double cores, String load) {
    }

    public static void main(String[] args) throws Exception {
        long durationMs = 1000L * (args.length > 0 ? Long.parseLong(args[0]) : 600);
        int errorsPerS = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int fingerprints = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int instances = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        long intervalMs = Math.round(1000 * (args.length > 4 ? Double.parseDouble(args[4]) : 3));
        System.out.printf("soak: %d s; %d error events/s over %,d fingerprints; %,d instances heartbeating every %d ms; %d cores, "
                        + "max heap %d MiB, Java %s, pid %d, load average %s%n", durationMs / 1000, errorsPerS, fingerprints, instances, intervalMs,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"),
                ProcessHandle.current().pid(), BenchSupport.load());
        Map<String, String> overrides = BenchSupport.appOverrides();
        if (!overrides.isEmpty()) {
            System.out.println("app configuration overrides: " + overrides);
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            String applicationId = BenchSupport.freshId("bench-soak");
            AppConfig config = BenchSupport.appConfig(broker.bootstrapServers(), applicationId, overrides);
            run(config, durationMs, errorsPerS, fingerprints, instances, intervalMs);
        }
        BenchSupport.deleteTempDirs();
        System.exit(0);
    }

    private static void run(AppConfig config, long durationMs, int errorsPerS, int fingerprints, int instances, long intervalMs) throws Exception {
        Topics topics = new Topics(config.topicPrefix());
        String applicationId = config.applicationId();
        TocsinApp app = BenchSupport.startApp(config);
        try (Admin admin = Admin.create(KafkaClients.common(config))) {
            if (!BenchSupport.awaitRunning(app, Duration.ofMinutes(2))) {
                throw new IllegalStateException("the app did not reach RUNNING within 2 minutes");
            }
            BenchSupport.gc();
            long heapStart = BenchSupport.usedHeap();
            long rssStart = BenchSupport.rss();
            System.out.printf("app RUNNING; before the load: heap after a full GC %,d MiB, RSS %,d MiB; load average %s%n",
                    heapStart >> 20, rssStart >> 20, BenchSupport.load());
            HeartbeatLoad.View beats = HeartbeatLoad.start(new HeartbeatLoad.Plan(broker(config), topics.heartbeats(), instances,
                    Math.min(instances, 1000), intervalMs, durationMs, 0, 0, 0));
            ErrorLoad errors = new ErrorLoad(config, topics.errors(), errorsPerS, fingerprints, durationMs);
            errors.thread.start();
            List<Sample> samples = new ArrayList<>();
            long start = System.nanoTime();
            long prevNs = start;
            long prevErrors = 0;
            long prevBeats = 0;
            long prevCpu = BenchSupport.processCpu();
            long heapAfterFullGcAt1Min = -1;
            System.out.println();
            System.out.println("|   s | heap used MiB | heap after last GC MiB | RSS MiB | input lag | repartition lag | RocksDB block cache MiB "
                    + "| memtables MiB | state dir MiB | errors/s | heartbeats/s | process cores | load |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(durationMs)) {
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                Thread.sleep(SAMPLE_MS - elapsedMs % SAMPLE_MS);
                long now = System.nanoTime();
                double dt = (now - prevNs) / 1e9;
                Map<String, Long> lag = BenchSupport.lagByTopic(admin, applicationId, withRepartition(admin, applicationId, topics));
                long inputLag = lag.getOrDefault(topics.errors(), 0L) + lag.getOrDefault(topics.heartbeats(), 0L);
                long repartitionLag = lag.entrySet().stream().filter(e -> e.getKey().endsWith("-repartition")).mapToLong(Map.Entry::getValue).sum();
                long[] rocks = BenchSupport.rocksDb(app.streams());
                long cpu = BenchSupport.processCpu();
                Sample s = new Sample((now - start) / 1e9, BenchSupport.usedHeap(), BenchSupport.heapAfterLastGc(), BenchSupport.rss(), inputLag,
                        repartitionLag, rocks[0], rocks[2], BenchSupport.du(config.stateDir()), (errors.acked.get() - prevErrors) / dt,
                        (beats.acked() - prevBeats) / dt, (cpu - prevCpu) / 1e9 / dt, BenchSupport.load1());
                samples.add(s);
                System.out.printf("| %3.0f | %,d | %,d | %,d | %,d | %,d | %,.1f | %,.1f | %,.1f | %,.0f | %,.0f | %.2f | %s |%n", s.at(), s.heapUsed() >> 20,
                        s.heapAfterGc() >> 20, s.rss() >> 20, s.inputLag(), s.repartitionLag(), s.blockCache() / 1048576.0, s.memtables() / 1048576.0,
                        s.stateDir() / 1048576.0, s.errorsPerS(), s.beatsPerS(), s.cores(), s.load());
                prevNs = now;
                prevErrors = errors.acked.get();
                prevBeats = beats.acked();
                prevCpu = cpu;
                if (heapAfterFullGcAt1Min < 0 && s.at() >= 60) {
                    heapAfterFullGcAt1Min = BenchSupport.heapAfterFullGc();
                    System.out.printf("(heap after a full GC at %.0f s: %,d MiB)%n", s.at(), heapAfterFullGcAt1Min >> 20);
                }
            }
            errors.thread.join();
            beats.awaitEnd();
            long heapEnd = BenchSupport.heapAfterFullGc();
            String loadEnd = BenchSupport.load();
            summary(samples, heapStart, rssStart, heapAfterFullGcAt1Min, heapEnd, errors, beats, durationMs, loadEnd);
            write(samples);
        } finally {
            app.close();
        }
    }

    private static String broker(AppConfig config) {
        return config.bootstrapServers();
    }

    private static List<String> withRepartition(Admin admin, String applicationId, Topics topics) throws Exception {
        List<String> all = new ArrayList<>(List.of(topics.errors(), topics.heartbeats()));
        all.addAll(BenchSupport.repartitionTopics(admin, applicationId));
        return all;
    }

    /** Error events at a constant rate, fingerprints round robin, on a thread of its own. */
    private static final class ErrorLoad {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Thread thread;

        ErrorLoad(AppConfig config, String topic, int perSecond, int fingerprints, long durationMs) {
            thread = new Thread(() -> {
                EventCodec codec = new EventCodec();
                double nsPerEvent = 1e9 / perSecond;
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(BenchSupport.batchingProducer(config))) {
                    long start = System.nanoTime();
                    long n = 0;
                    while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(durationMs)) {
                        long due = (long) ((System.nanoTime() - start) / nsPerEvent) + 1;
                        for (; n < due; n++) {
                            int f = (int) (n % fingerprints);
                            ExceptionEvent e = BenchSupport.smallError(f, String.format("svc-%02d", f % 50), String.format("svc-%02d-%d", f % 50, n % 4));
                            producer.send(new ProducerRecord<>(topic, e.key(), codec.write(e)), (md, ex) -> (ex == null ? acked : failed).incrementAndGet());
                            sent.incrementAndGet();
                        }
                        LockSupport.parkNanos(2_000_000);
                    }
                    producer.flush();
                }
            }, "bench-error-load");
            thread.setDaemon(true);
        }
    }

    // ---------------------------------------------------------------------------------------------------- report

    private static void summary(List<Sample> samples, long heapStart, long rssStart, long heapAt1Min, long heapEnd, ErrorLoad errors,
                                HeartbeatLoad.View beats, long durationMs, String loadEnd) {
        System.out.println();
        System.out.println("=== summary ===");
        System.out.println();
        System.out.printf("load: %,d error events acknowledged (%,.0f/s; %d failed), %,d heartbeats acknowledged (%,.0f/s; %d failed) in %d s%n",
                errors.acked.get(), errors.acked.get() * 1000.0 / durationMs, errors.failed.get(), beats.acked(), beats.acked() * 1000.0 / durationMs,
                beats.failed(), durationMs / 1000);
        System.out.printf("heap after a full GC: %,d MiB before the load, %,d MiB after a minute of it, %,d MiB at the end; RSS %,d MiB before, "
                + "%,d MiB at the end%n", heapStart >> 20, heapAt1Min >> 20, heapEnd >> 20, rssStart >> 20,
                samples.isEmpty() ? 0 : samples.get(samples.size() - 1).rss() >> 20);
        List<Sample> afterWarmUp = samples.stream().filter(s -> s.at() > 120).toList();
        System.out.println();
        System.out.println("| series | mean | min | max | slope per minute, whole run | slope per minute, after 2 min | verdict (after 2 min) |");
        System.out.println("|---|---|---|---|---|---|---|");
        row("heap after last GC (MiB)", samples, afterWarmUp, s -> s.heapAfterGc() / 1048576.0);
        row("RSS (MiB)", samples, afterWarmUp, s -> s.rss() / 1048576.0);
        row("heap used (MiB)", samples, afterWarmUp, s -> s.heapUsed() / 1048576.0);
        row("RocksDB block cache (MiB)", samples, afterWarmUp, s -> s.blockCache() / 1048576.0);
        row("state dir (MiB)", samples, afterWarmUp, s -> s.stateDir() / 1048576.0);
        row("input + repartition lag (records)", samples, afterWarmUp, s -> s.inputLag() + s.repartitionLag());
        System.out.println();
        System.out.println("verdict: flat when the slope after the first two minutes, kept up for an hour, would add less than 5% of the series' mean "
                + "(or less than 1 unit); load average at the end " + loadEnd);
    }

    private static void row(String name, List<Sample> all, List<Sample> later, ToDoubleFunction<Sample> f) {
        double[] y = all.stream().mapToDouble(f).toArray();
        double mean = java.util.Arrays.stream(y).average().orElse(Double.NaN);
        double whole = 60 * BenchSupport.slope(all.stream().mapToDouble(Sample::at).toArray(), y);
        double after = 60 * BenchSupport.slope(later.stream().mapToDouble(Sample::at).toArray(), later.stream().mapToDouble(f).toArray());
        double laterMean = later.stream().mapToDouble(f).average().orElse(Double.NaN);
        boolean flat = Math.abs(after * 60) < Math.max(1, 0.05 * Math.abs(laterMean));
        System.out.printf(Locale.ROOT, "| %s | %,.1f | %,.1f | %,.1f | %+.2f | %+.2f | %s |%n", name, mean,
                java.util.Arrays.stream(y).min().orElse(Double.NaN), java.util.Arrays.stream(y).max().orElse(Double.NaN), whole, after,
                later.size() < 3 ? "too short" : flat ? "flat" : after > 0 ? "**growing**" : "falling");
    }

    private static void write(List<Sample> samples) throws Exception {
        Path dir = Path.of("docs", "img");
        Files.createDirectories(dir);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("soak.csv")))) {
            out.println("seconds,heap_used_mib,heap_after_last_gc_mib,rss_mib,input_lag,repartition_lag,rocksdb_block_cache_mib,memtables_mib,"
                    + "state_dir_mib,errors_per_s,heartbeats_per_s,process_cores,load1");
            for (Sample s : samples) {
                out.printf(Locale.ROOT, "%.0f,%.1f,%.1f,%.1f,%d,%d,%.1f,%.1f,%.1f,%.0f,%.0f,%.2f,%s%n", s.at(), s.heapUsed() / 1048576.0,
                        s.heapAfterGc() / 1048576.0, s.rss() / 1048576.0, s.inputLag(), s.repartitionLag(), s.blockCache() / 1048576.0,
                        s.memtables() / 1048576.0, s.stateDir() / 1048576.0, s.errorsPerS(), s.beatsPerS(), s.cores(), s.load());
            }
        }
        double[] x = samples.stream().mapToDouble(s -> s.at() / 60).toArray();
        SvgPlot.write(dir.resolve("soak-memory.svg"), "Soak: memory under constant load", "minutes", "MiB", false, List.of(
                new SvgPlot.Series("RSS (whole JVM: broker, producers, app)", x, series(samples, s -> s.rss() / 1048576.0)),
                new SvgPlot.Series("heap used", x, series(samples, s -> s.heapUsed() / 1048576.0)),
                new SvgPlot.Series("heap after latest GC", x, series(samples, s -> s.heapAfterGc() / 1048576.0)),
                new SvgPlot.Series("RocksDB block cache (memtables included)", x, series(samples, s -> s.blockCache() / 1048576.0)),
                new SvgPlot.Series("state dir on disk", x, series(samples, s -> s.stateDir() / 1048576.0))));
        SvgPlot.write(dir.resolve("soak-lag.svg"), "Soak: app lag under constant load", "minutes", "records not yet committed", false, List.of(
                new SvgPlot.Series("input topics", x, series(samples, s -> s.inputLag())),
                new SvgPlot.Series("repartition topics", x, series(samples, s -> s.repartitionLag()))));
        System.out.println("written: docs/img/soak.csv, docs/img/soak-memory.svg, docs/img/soak-lag.svg");
    }

    private static double[] series(List<Sample> samples, ToDoubleFunction<Sample> f) {
        return samples.stream().mapToDouble(f).toArray();
    }
}
