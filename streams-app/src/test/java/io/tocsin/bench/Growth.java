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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the app costs as the number of distinct error groups grows ({@code bench/growth.sh [LEVELS] [BUDGET_MIN]},
 * default levels 1,000, 10,000, 100,000 and 1,000,000 fingerprints, budget 25 minutes): one embedded broker and one app
 * (defaults: one stream thread, exactly-once, {@code rocksdb.memory} 256m) whose state grows level by level. For each
 * level the fingerprints new since the previous level are sent as small events (about 1.3 kB, {@link BenchSupport#smallError},
 * each fingerprint {@code -Dbench.repeats} times, default once) through a batching producer while the app runs, and
 * the app is timed from the first send until it has committed the end of its input and of its repartition topics.
 * Then, with that state: heap used after a full GC, RSS, RocksDB's block cache (shared by all stores, memtables
 * charged to it) and memtables from the app's metrics, the state directory's size, the broker's data; then two
 * restarts, each timed to RUNNING and to processing again (a fresh event on {@code tocsin.errors} committed through
 * every repartition topic: Kafka Streams goes RUNNING before its stores are restored, so RUNNING alone says little):
 * (a) with the state directory kept, (b) with it deleted, so every store is restored from its changelog.
 *
 * <p>A level whose estimated time (at the previous level's rate) would overrun the budget is not run; it is reported
 * as not run, with figures extrapolated from the largest level run (clearly labelled). Writes
 * {@code docs/img/growth.csv} and SVG plots {@code docs/img/growth-*.svg}.
 */
public final class Growth {

    private record Level(long fingerprints, long events, double seconds, long streamCpu, long heapAfterGc, long rss, long blockCache,
                         long memtables, long tableReaders, long keys, long stateDir, long brokerData, Restart kept, Restart deleted,
                         String load) {
        double rate() {
            return events / seconds;
        }
    }

    /** Seconds from {@code TocsinApp.start} to RUNNING and to a fresh event processed; state dir size at the start. */
    private record Restart(double running, double processing, long stateDirBefore) {
    }

    public static void main(String[] args) throws Exception {
        long[] levels = Arrays.stream((args.length > 0 ? args[0] : "1000,10000,100000,1000000").split(","))
                .mapToLong(s -> Long.parseLong(s.trim().replace("_", ""))).sorted().toArray();
        double budgetMin = args.length > 1 ? Double.parseDouble(args[1]) : 25;
        int repeats = Integer.getInteger("bench.repeats", 1);
        System.out.printf("growth: levels %s fingerprints, each sent %d time(s), budget %.0f min; %d cores, max heap %d MiB, Java %s, pid %d, "
                        + "load average %s%n", Arrays.toString(levels), repeats, budgetMin, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), ProcessHandle.current().pid(), BenchSupport.load());
        Map<String, String> overrides = BenchSupport.appOverrides();
        if (!overrides.isEmpty()) {
            System.out.println("app configuration overrides: " + overrides);
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            String applicationId = BenchSupport.freshId("bench-growth");
            AppConfig config = BenchSupport.appConfig(broker.bootstrapServers(), applicationId, overrides);
            run(broker, config, levels, repeats, (long) (budgetMin * 60_000));
        }
        BenchSupport.deleteTempDirs();
        System.exit(0);
    }

    private static void run(EmbeddedKafkaBroker broker, AppConfig config, long[] levels, int repeats, long budgetMs) throws Exception {
        Topics topics = new Topics(config.topicPrefix());
        long begin = System.nanoTime();
        List<Level> done = new ArrayList<>();
        List<Long> skipped = new ArrayList<>();
        AtomicLong marker = new AtomicLong();
        TocsinApp app = BenchSupport.startApp(config);
        try (Admin admin = Admin.create(KafkaClients.common(config));
             BenchSupport.MarkerProbe markers = new BenchSupport.MarkerProbe(config);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(BenchSupport.batchingProducer(config))) {
            if (!BenchSupport.awaitRunning(app, Duration.ofMinutes(2))) {
                throw new IllegalStateException("the app did not reach RUNNING within 2 minutes");
            }
            EventCodec codec = new EventCodec();
            long previous = 0;
            for (long level : levels) {
                long fresh = level - previous;
                long usedMs = (System.nanoTime() - begin) / 1_000_000;
                if (!done.isEmpty()) {
                    Level last = done.get(done.size() - 1);
                    // the sends at the last rate, and the restarts growing with the state
                    double estimateMs = 1000 * (fresh * repeats / last.rate()
                            + (last.kept().processing() + last.deleted().processing()) * level / Math.max(1, last.fingerprints()));
                    if (usedMs + estimateMs > budgetMs) {
                        System.out.printf("level %,d not run: about %.0f s more at the last level's rate, %.0f s of the budget left%n",
                                level, estimateMs / 1000, (budgetMs - usedMs) / 1000.0);
                        skipped.add(level);
                        continue;
                    }
                }
                // sends and catch-up
                long streamCpu0 = streamCpu(config.applicationId());
                long t0 = System.nanoTime();
                AtomicLong failed = new AtomicLong();
                long events = 0;
                for (int r = 0; r < repeats; r++) {
                    for (long f = previous; f < level; f++) {
                        send(producer, codec, topics, (int) f, failed);
                        events++;
                    }
                }
                producer.flush();
                double sentIn = (System.nanoTime() - t0) / 1e9;
                if (failed.get() > 0) {
                    throw new IllegalStateException(failed.get() + " sends failed");
                }
                long capMs = Math.max(60_000, budgetMs - (System.nanoTime() - begin) / 1_000_000 + 120_000);
                double seconds = awaitCaughtUp(admin, markers, config, topics, t0, capMs);
                long streamCpu = streamCpu(config.applicationId()) - streamCpu0;
                if (Double.isNaN(seconds)) {
                    System.out.printf("level %,d: the app did not catch up within %d s; stopping here%n", level, capMs / 1000);
                    break;
                }
                System.out.printf("level %,d: %,d events sent in %.1f s, the app caught up %.1f s after the first send = %,.0f events/s "
                                + "(stream thread CPU %.0f µs per event); load average %s%n", level, events, sentIn, seconds, events / seconds,
                        streamCpu / 1e3 / events, BenchSupport.load());
                long heap = BenchSupport.heapAfterFullGc();
                long rss = BenchSupport.rss();
                long[] rocks = BenchSupport.rocksDb(app.streams());
                long stateDir = BenchSupport.du(config.stateDir());
                long brokerData = BenchSupport.du(broker.dataDir());
                String load = BenchSupport.load();
                System.out.printf("  heap after a full GC %,d MiB (whole JVM: broker, producer, app); RSS %,d MiB; RocksDB block cache %,.1f MiB "
                                + "(memtables %,.1f MiB within it), table readers %,.1f MiB, estimated keys %,d; state dir %,.1f MiB; broker data %,.1f MiB%n",
                        heap >> 20, rss >> 20, rocks[0] / 1048576.0, rocks[2] / 1048576.0, rocks[3] / 1048576.0, rocks[5], stateDir / 1048576.0,
                        brokerData / 1048576.0);
                // restarts
                app.close();
                Restart kept = restart(config, admin, markers, producer, codec, topics, marker, "(a) state dir kept");
                app = kept == null ? null : lastStarted;
                if (app == null) {
                    throw new IllegalStateException("restart (a) failed");
                }
                app.close();
                BenchSupport.deleteQuietly(config.stateDir());
                Files.createDirectories(config.stateDir());
                Restart deleted = restart(config, admin, markers, producer, codec, topics, marker, "(b) state dir deleted");
                app = lastStarted;
                if (deleted == null) {
                    throw new IllegalStateException("restart (b) failed");
                }
                done.add(new Level(level, events, seconds, streamCpu, heap, rss, rocks[0], rocks[2], rocks[3], rocks[5], stateDir, brokerData,
                        kept, deleted, load));
                previous = level;
            }
            summary(done, skipped, repeats, (System.nanoTime() - begin) / 1e9);
            write(done);
        } finally {
            if (app != null) {
                app.close();
            }
        }
    }

    /** The app most recently started by {@link #restart} (closed by the caller). */
    private static TocsinApp lastStarted;

    private static Restart restart(AppConfig config, Admin admin, BenchSupport.MarkerProbe markers, KafkaProducer<String, byte[]> producer,
                                   EventCodec codec, Topics topics, AtomicLong marker, String name) throws Exception {
        long stateDir = BenchSupport.du(config.stateDir());
        long t0 = System.nanoTime();
        lastStarted = BenchSupport.startApp(config);
        if (!BenchSupport.awaitRunning(lastStarted, Duration.ofMinutes(10))) {
            System.out.printf("  restart %s: not RUNNING within 10 minutes%n", name);
            return null;
        }
        double running = (System.nanoTime() - t0) / 1e9;
        AtomicLong failed = new AtomicLong();
        // a repeat of fingerprint 0 with a fresh id: counted once more in its group, no new group
        send(producer, codec, topics, 0, failed);
        marker.incrementAndGet();
        producer.flush();
        double processing = awaitCaughtUp(admin, markers, config, topics, t0, 20 * 60_000);
        System.out.printf("  restart %s (state dir %,.1f MiB at the start): RUNNING after %.1f s, processing again (a fresh event through every "
                + "repartition topic) after %.1f s; load average %s%n", name, stateDir / 1048576.0, running, processing, BenchSupport.load());
        return Double.isNaN(processing) ? null : new Restart(running, processing, stateDir);
    }

    private static void send(KafkaProducer<String, byte[]> producer, EventCodec codec, Topics topics, int fingerprint, AtomicLong failed) {
        ExceptionEvent e = BenchSupport.smallError(fingerprint, String.format("svc-%02d", fingerprint % 50),
                String.format("svc-%02d-%d", fingerprint % 50, fingerprint % 4));
        producer.send(new ProducerRecord<>(topics.errors(), e.key(), codec.write(e)), (md, ex) -> {
            if (ex != null) {
                failed.incrementAndGet();
            }
        });
    }

    /** Seconds from {@code t0} until the app has caught up with everything on {@code tocsin.errors} now; NaN past the cap. */
    private static double awaitCaughtUp(Admin admin, BenchSupport.MarkerProbe markers, AppConfig config, Topics topics, long t0, long capMs)
            throws Exception {
        Map<TopicPartition, Long> end = BenchSupport.endOffsets(admin, BenchSupport.partitionsOf(admin, List.of(topics.errors())));
        long lastLine = System.nanoTime();
        while (!BenchSupport.caughtUp(admin, markers, config.applicationId(), end)) {
            if ((System.nanoTime() - t0) / 1_000_000 > capMs) {
                return Double.NaN;
            }
            if (System.nanoTime() - lastLine > 30_000_000_000L) {
                lastLine = System.nanoTime();
                System.err.printf("  ... %.0f s, lag %s%n", (lastLine - t0) / 1e9, BenchSupport.lagByTopic(admin, config.applicationId(),
                        List.of(topics.errors())));
            }
            Thread.sleep(200);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long streamCpu(String applicationId) {
        return BenchSupport.streamThreads(applicationId).stream().mapToLong(BenchSupport::threadCpu).sum();
    }

    // ---------------------------------------------------------------------------------------------------- report

    private static void summary(List<Level> done, List<Long> skipped, int repeats, double totalSeconds) {
        System.out.println();
        System.out.println("=== summary ===");
        System.out.println();
        System.out.println("| fingerprints | events | catch-up events/s | stream CPU µs/event | heap after full GC MiB | RSS MiB | RocksDB block cache MiB "
                + "(memtables) | estimated keys | state dir MiB | broker data MiB | restart, dir kept: RUNNING / processing s | "
                + "restart, dir deleted: RUNNING / processing s | load |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Level l : done) {
            System.out.printf("| %,d | %,d | %,.0f | %,.0f | %,d | %,d | %,.1f (%,.1f) | %,d | %,.1f | %,.1f | %.1f / %.1f | %.1f / %.1f | %s |%n",
                    l.fingerprints(), l.events(), l.rate(), l.streamCpu() / 1e3 / l.events(), l.heapAfterGc() >> 20, l.rss() >> 20,
                    l.blockCache() / 1048576.0, l.memtables() / 1048576.0, l.keys(), l.stateDir() / 1048576.0, l.brokerData() / 1048576.0,
                    l.kept().running(), l.kept().processing(), l.deleted().running(), l.deleted().processing(), l.load());
        }
        if (!skipped.isEmpty() && done.size() >= 2) {
            Level a = done.get(done.size() - 2);
            Level b = done.get(done.size() - 1);
            System.out.println();
            System.out.println("**Extrapolated, not measured** (linear through the two largest levels run, " + a.fingerprints() + " and "
                    + b.fingerprints() + " fingerprints):");
            for (long f : skipped) {
                System.out.printf("| %,d (extrapolated) | %,d | time to take them in at %,.0f events/s: %.0f min | heap after GC %,.0f MiB | state dir %,.0f MiB "
                                + "| restart, dir kept: processing after %.0f s | dir deleted: %.0f s |%n", f, f * repeats, b.rate(),
                        (f - b.fingerprints()) * repeats / b.rate() / 60, lin(a, b, f, l -> l.heapAfterGc() / 1048576.0),
                        lin(a, b, f, l -> l.stateDir() / 1048576.0), lin(a, b, f, l -> l.kept().processing()), lin(a, b, f, l -> l.deleted().processing()));
            }
        }
        System.out.printf("%ntotal %.0f s%n", totalSeconds);
    }

    private static double lin(Level a, Level b, long x, ToDoubleFunction<Level> f) {
        double slope = (f.applyAsDouble(b) - f.applyAsDouble(a)) / (b.fingerprints() - a.fingerprints());
        return f.applyAsDouble(b) + slope * (x - b.fingerprints());
    }

    private static void write(List<Level> done) throws Exception {
        Path dir = Path.of("docs", "img");
        Files.createDirectories(dir);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("growth.csv")))) {
            out.println("fingerprints,events,catchup_events_per_s,stream_cpu_us_per_event,heap_after_full_gc_mib,rss_mib,rocksdb_block_cache_mib,"
                    + "memtables_mib,table_readers_mib,estimated_keys,state_dir_mib,broker_data_mib,restart_kept_running_s,restart_kept_processing_s,"
                    + "restart_deleted_running_s,restart_deleted_processing_s,load");
            for (Level l : done) {
                out.printf(Locale.ROOT, "%d,%d,%.0f,%.0f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%.1f,%.1f,%.2f,%.2f,%.2f,%.2f,%s%n", l.fingerprints(), l.events(), l.rate(),
                        l.streamCpu() / 1e3 / l.events(), l.heapAfterGc() / 1048576.0, l.rss() / 1048576.0, l.blockCache() / 1048576.0,
                        l.memtables() / 1048576.0, l.tableReaders() / 1048576.0, l.keys(), l.stateDir() / 1048576.0, l.brokerData() / 1048576.0,
                        l.kept().running(), l.kept().processing(), l.deleted().running(), l.deleted().processing(), l.load().replace(' ', '/'));
            }
        }
        double[] x = done.stream().mapToDouble(Level::fingerprints).toArray();
        SvgPlot.write(dir.resolve("growth-throughput.svg"), "Growth: catch-up rate by distinct fingerprints", "distinct fingerprints (log)",
                "events/s", true, List.of(new SvgPlot.Series("events/s, small events (~1.3 kB), 1 stream thread", x, s(done, Level::rate))));
        SvgPlot.write(dir.resolve("growth-memory.svg"), "Growth: memory and disk by distinct fingerprints", "distinct fingerprints (log)", "MiB", true,
                List.of(new SvgPlot.Series("RSS (whole JVM: broker, producer, app)", x, s(done, l -> l.rss() / 1048576.0)),
                        new SvgPlot.Series("heap after full GC (whole JVM)", x, s(done, l -> l.heapAfterGc() / 1048576.0)),
                        new SvgPlot.Series("RocksDB block cache (memtables included)", x, s(done, l -> l.blockCache() / 1048576.0)),
                        new SvgPlot.Series("state dir on disk", x, s(done, l -> l.stateDir() / 1048576.0))));
        SvgPlot.write(dir.resolve("growth-restart.svg"), "Growth: restart to processing again", "distinct fingerprints (log)", "seconds", true,
                List.of(new SvgPlot.Series("state dir kept", x, s(done, l -> l.kept().processing())),
                        new SvgPlot.Series("state dir deleted (changelog restore)", x, s(done, l -> l.deleted().processing())),
                        new SvgPlot.Series("to RUNNING, dir deleted", x, s(done, l -> l.deleted().running()))));
        System.out.println("written: docs/img/growth.csv, docs/img/growth-throughput.svg, docs/img/growth-memory.svg, docs/img/growth-restart.svg");
    }

    private static double[] s(List<Level> done, ToDoubleFunction<Level> f) {
        return done.stream().mapToDouble(f).toArray();
    }
}
