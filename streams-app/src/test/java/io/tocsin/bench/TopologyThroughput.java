package io.tocsin.bench;

import io.tocsin.app.TocsinApp;
import io.tocsin.bench.BenchSupport.GroupCatchUp;
import io.tocsin.bench.BenchSupport.Pass;
import io.tocsin.bench.BenchSupport.Preload;
import io.tocsin.app.TopicProvisioner;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.errors.Fingerprinter;
import io.tocsin.model.EventCodec;
import io.tocsin.model.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;

/**
 * How fast the topology takes in exception events, against what the same broker and JVM can read and parse at all,
 * measured side by side in one run ({@code bench/topology-throughput.sh [EVENTS] [PARTITIONS] [THREADS]}):
 * <ol>
 * <li>an embedded broker in a temporary directory; the Tocsin topics with PARTITIONS partitions (default 3);</li>
 * <li>EVENTS (default 20,000) exception events pre-loaded on {@code tocsin.errors}, built as the agent builds them
 * ({@link RealisticErrors}: 20-60 frames per exception, cause chains, ids in messages and routes), 1,000 distinct
 * fingerprints (checked with the app's {@link Fingerprinter} before anything is sent);</li>
 * <li><b>ceiling</b>: a plain consumer reading the topic from the beginning and parsing every value with
 * {@link EventCodec}, one thread, three passes (the first warms up the JIT);</li>
 * <li><b>topology</b>: a real app ({@link TocsinApp#start}, fresh application id, {@code stream.threads} = THREADS,
 * default 1, exactly-once, commit 100 ms) timed until its group has committed offsets at the end of every partition
 * of {@code tocsin.errors} and of every repartition topic of the app; under exactly-once the last offset of a
 * repartition partition is usually the commit marker of the transaction that wrote it, so one short of the end counts
 * as caught up once a read_committed read from there finds no record;</li>
 * <li>from RUNNING to caught up: the stream threads' stacks sampled every 20 ms, the CPU time of the stream threads, of
 * every other thread by kind and of the process, GC, what the stream threads' producers wrote per topic, and with
 * {@code -Dbench.dumps=N} N thread dumps of the stream threads spread over the catch-up;</li>
 * <li>a last ceiling pass (to see the machine drift) and a check: the app's {@code /api/error-groups} lists 1,000
 * groups whose {@code totalCount}s are what was sent, per fingerprint.</li>
 * </ol>
 * Everything (broker, producer, consumer, app) shares this JVM and the machine's cores, as {@code dev} does; the ratio
 * of the two rates, and of their CPU time per event, are the figures to compare across machines. Rates are also given
 * from RUNNING (start-up left out) and over the second half of the input (the JIT mostly warm).
 * {@code -Dbench.app.KEY=VALUE} sets an app configuration key, e.g. {@code -Dbench.app.kafka.commit.interval.ms=1000}.
 */
public final class TopologyThroughput {

    private static final int GROUPS = 1_000;
    private static final Duration CAP = Duration.ofMinutes(8);
    private static final long POLL_MS = 100;
    /** The steps whose share of the stream threads' stack samples is reported. */
    private static final List<String> MARKERS = List.of(
            "org.apache.kafka.streams.processor.internals.StreamThread.runOnceWithoutProcessingThreads",
            "org.apache.kafka.streams.processor.internals.StreamThread.pollRequests",
            "org.apache.kafka.clients.consumer.KafkaConsumer.poll",
            "org.apache.kafka.streams.processor.internals.TaskManager.process",
            "org.apache.kafka.streams.processor.internals.StreamTask.process",
            "io.tocsin.topology.InputParser.process",
            "io.tocsin.topology.EventLimits.bound",
            "io.tocsin.errors.Fingerprinter.fingerprint",
            "io.tocsin.errors.ErrorThrottleProcessor.process",
            "io.tocsin.routing.AlertRouter.process",
            "io.tocsin.privacy.Scrubber.scrub",
            "com.fasterxml.jackson.databind.ObjectMapper.readValue",
            "com.fasterxml.jackson.databind.ObjectMapper.writeValueAsBytes",
            "org.apache.kafka.streams.processor.internals.RecordCollectorImpl.send",
            "org.apache.kafka.clients.producer.KafkaProducer.send",
            "org.rocksdb.RocksDB.get",
            "org.rocksdb.RocksDB.put",
            "org.rocksdb.RocksDB.write",
            "org.apache.kafka.streams.processor.internals.TaskManager.commit",
            "org.apache.kafka.streams.processor.internals.TaskManager.commitTasksAndMaybeUpdateCommittableOffsets",
            "org.apache.kafka.streams.processor.internals.StreamsProducer.commitTransaction",
            "org.apache.kafka.clients.producer.KafkaProducer.sendOffsetsToTransaction",
            "org.apache.kafka.clients.producer.KafkaProducer.commitTransaction",
            "org.apache.kafka.clients.producer.KafkaProducer.flush",
            "org.apache.kafka.streams.processor.internals.StreamTask.prepareCommit",
            "org.apache.kafka.streams.processor.internals.StreamTask.postCommit",
            "org.apache.kafka.streams.processor.internals.ProcessorStateManager.flush",
            "org.apache.kafka.streams.processor.internals.ProcessorStateManager.checkpoint",
            "org.apache.kafka.streams.processor.internals.StreamTask.maybePunctuateSystemTime",
            "org.apache.kafka.streams.processor.internals.RepartitionTopics.setup",
            "jdk.internal.misc.Unsafe.park");

    /**
     * The app's catch-up; times in seconds from {@code TocsinApp.start}, null when not reached within the cap. CPU in
     * nanoseconds from RUNNING to caught up: the stream threads', and the whole process's less the stack sampler's.
     */
    private record CatchUp(Double running, Double firstCommit, Double inputDone, Double done, long inputCommitted,
                           long streamCpu, long processCpu, long gcCount, long gcMs, SecondHalf secondHalf,
                           long rssBefore, long rssEnd, long heapBefore, long heapEnd, long heapEndAfterGc,
                           long groups, long countSum, long mismatched, String load) {
    }

    /**
     * The catch-up's second half, JIT mostly done: from the input's committed offsets passing half the events to the
     * end; CPU in nanoseconds as in {@link CatchUp}.
     */
    private record SecondHalf(double from, long events, double seconds, long streamCpu, long processCpu) {
        double rate() {
            return events / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 20_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int dumps = Integer.getInteger("bench.dumps", 0);
        if (events < GROUPS) {
            throw new IllegalArgumentException("EVENTS must be at least " + GROUPS + " (one per group)");
        }
        System.out.printf("topology throughput: %,d events, %d partitions, %d stream threads; %d cores, max heap %d MiB, Java %s, "
                        + "pid %d, load average %s%n", events, partitions, threads, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), ProcessHandle.current().pid(), BenchSupport.load());
        if (!BenchSupport.appOverrides().isEmpty()) {
            System.out.println("app configuration overrides: " + BenchSupport.appOverrides());
        }
        boolean ok;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) { // a temporary data dir, removed on close
            AppConfig topicsConfig = BenchSupport.appConfig(broker.bootstrapServers(), "bench-topics", BenchSupport.sized(partitions, threads, Map.of()));
            TopicProvisioner.ensure(topicsConfig);
            Topics topics = new Topics(topicsConfig.topicPrefix());

            Preload preload = BenchSupport.preload(topicsConfig, topics, events, GROUPS);
            List<Pass> before = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                before.add(BenchSupport.ceiling(topicsConfig, topics, events, "ceiling pass " + (i + 1) + (i == 0 ? " (warm-up)" : "")));
            }
            CatchUp app = topology(broker, topics, events, partitions, threads, preload, dumps);
            Pass after = BenchSupport.ceiling(topicsConfig, topics, events, "ceiling pass 3 (after the app)");
            ok = app.done() != null && app.groups() == GROUPS && app.countSum() == events && app.mismatched() == 0;
            printSummary(events, partitions, threads, preload, before, after, app, ok);
        }
        BenchSupport.deleteTempDirs();
        System.exit(ok ? 0 : 1); // stray non-daemon client threads must not keep the benchmark alive
    }

    // ---------------------------------------------------------------------------------------------------- topology

    /**
     * CPU and GC totals at one moment of the catch-up: the stream threads', the process's (less the sampler's own),
     * every Java thread's, and the input committed then.
     */
    private record Mark(double at, long inputCommitted, long streamCpu, long processCpu, long[] gc, BenchSupport.ThreadCpus threads) {
        static Mark now(double at, long inputCommitted, List<Thread> streamThreads, StackSampler sampler) {
            return new Mark(at, inputCommitted, streamThreads.stream().mapToLong(BenchSupport::threadCpu).sum(),
                    BenchSupport.processCpu() - sampler.ownCpu(), BenchSupport.gcTotals(), BenchSupport.ThreadCpus.now());
        }
    }

    private static CatchUp topology(EmbeddedKafkaBroker broker, Topics topics, int events, int partitions, int threads, Preload preload,
                                    int dumps) throws Exception {
        String applicationId = BenchSupport.freshId("bench-topology");
        AppConfig config = BenchSupport.appConfig(broker.bootstrapServers(), applicationId,
                BenchSupport.sized(partitions, threads, BenchSupport.appOverrides()));
        try (GroupCatchUp catchUp = new GroupCatchUp(config, topics)) {
            BenchSupport.gc();
            long heapBefore = BenchSupport.usedHeap();
            long rssBefore = BenchSupport.rss();
            StackSampler sampler = StackSampler.start("stream threads from RUNNING to caught up", MARKERS, List.of());
            List<Dump> dumpsTaken = new ArrayList<>();
            List<Thread> streamThreads = List.of();
            Mark running = null;
            Mark half = null;
            Mark done = null;
            Double firstCommit = null;
            Double inputDone = null;
            long inputCommitted = 0;
            long lastLine = System.nanoTime();
            long lastDump = 0;
            long t0 = System.nanoTime();
            TocsinApp app = BenchSupport.startApp(config);
            try {
                while (done == null && System.nanoTime() - t0 < CAP.toNanos()) {
                    Thread.sleep(POLL_MS);
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (running == null && app.streams().state() == KafkaStreams.State.RUNNING) {
                        streamThreads = BenchSupport.streamThreads(applicationId);
                        sampler.watch(streamThreads::contains);
                        running = Mark.now(s, 0, streamThreads, sampler);
                    }
                    if (dumps > 0 && running != null && System.nanoTime() - lastDump > 250_000_000L) {
                        lastDump = System.nanoTime();
                        dumpsTaken.add(Dump.take(s, streamThreads));
                    }
                    GroupCatchUp.Progress progress = catchUp.poll();
                    inputCommitted = progress.inputCommitted();
                    if (firstCommit == null && inputCommitted > 0) {
                        firstCommit = s;
                    }
                    if (half == null && running != null && inputCommitted >= events / 2) {
                        half = Mark.now(s, inputCommitted, streamThreads, sampler);
                    }
                    if (progress.inputDone()) {
                        inputDone = inputDone == null ? s : inputDone;
                    }
                    if (progress.done()) {
                        done = Mark.now(s, inputCommitted, streamThreads, sampler);
                    }
                    if (System.nanoTime() - lastLine > 10_000_000_000L) {
                        lastLine = System.nanoTime();
                        System.err.printf("topology: %.0f s, input committed %,d of %,d, streams %s%n", s, inputCommitted, events, app.streams().state());
                    }
                }
                sampler.stop();
                long heapEnd = BenchSupport.usedHeap();
                long rssEnd = BenchSupport.rss();
                String load = BenchSupport.load();
                long heapEndAfterGc = BenchSupport.heapAfterFullGc();
                long[] check = BenchSupport.errorGroups(app.httpPort(), preload.perFingerprint());
                boolean measured = running != null && done != null;
                System.out.printf("topology: RUNNING at %s s, first input offsets committed at %s s, input caught up at %s s, "
                                + "all caught up (input and repartition) at %s s%n", seconds(running == null ? null : running.at()),
                        seconds(firstCommit), seconds(inputDone), seconds(done == null ? null : done.at()));
                if (measured) {
                    printCpu(done.threads().since(running.threads(), applicationId).stream()
                            .filter(e -> !e.getKey().equals(StackSampler.THREAD_NAME)).toList(), done.processCpu() - running.processCpu());
                    printWrites(app.streams(), events);
                }
                sampler.print(System.out);
                printDumps(dumpsTaken, dumps, done == null ? Double.MAX_VALUE : done.at());
                SecondHalf secondHalf = measured && half != null && half.at() < done.at()
                        ? new SecondHalf(half.at(), events - half.inputCommitted(), done.at() - half.at(), done.streamCpu() - half.streamCpu(),
                        done.processCpu() - half.processCpu()) : null;
                return new CatchUp(running == null ? null : running.at(), firstCommit, inputDone, done == null ? null : done.at(), inputCommitted,
                        measured ? done.streamCpu() - running.streamCpu() : 0, measured ? done.processCpu() - running.processCpu() : 0,
                        measured ? done.gc()[0] - running.gc()[0] : 0, measured ? done.gc()[1] - running.gc()[1] : 0, secondHalf,
                        rssBefore, rssEnd, heapBefore, heapEnd, heapEndAfterGc, check[0], check[1], check[2], load);
            } finally {
                sampler.stop();
                app.close();
            }
        }
    }

    /** Where the process's CPU went from RUNNING to caught up: Java threads by kind, and the JVM's own (JIT, GC). */
    private static void printCpu(List<Map.Entry<String, Long>> byKind, long processCpu) {
        if (byKind.isEmpty()) {
            return;
        }
        long threads = byKind.stream().mapToLong(Map.Entry::getValue).sum();
        System.out.printf("  CPU from RUNNING to caught up, %.1f s in all (sampler excluded): Java threads %.1f s, the JVM's own threads "
                + "(JIT compilers, GC) %.1f s; Java threads by kind:%n", processCpu / 1e9, threads / 1e9, (processCpu - threads) / 1e9);
        byKind.stream().filter(e -> e.getValue() >= 100_000_000L)
                .forEach(e -> System.out.printf("    %6.1f s  %s%n", e.getValue() / 1e9, e.getKey()));
    }

    /** What the stream threads' producers wrote, by topic (their {@code producer-topic-metrics}), in all and per input event. */
    private static void printWrites(KafkaStreams streams, int events) {
        Map<String, double[]> byTopic = new TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            String topic = name.tags().get("topic");
            if (name.group().equals("producer-topic-metrics") && topic != null
                    && (name.name().equals("record-send-total") || name.name().equals("byte-total"))) {
                byTopic.computeIfAbsent(topic, t -> new double[2])[name.name().equals("record-send-total") ? 0 : 1]
                        += ((Number) metric.metricValue()).doubleValue();
            }
        });
        double bytes = byTopic.values().stream().mapToDouble(v -> v[1]).sum();
        System.out.printf("  written by the stream threads' producers: %,.0f MB, %,.0f B per input event; by topic:%n", bytes / 1e6, bytes / events);
        byTopic.forEach((topic, v) -> System.out.printf("    %,9.0f records %,8.1f MB  %,7.0f B per input event  %s%n",
                v[0], v[1] / 1e6, v[1] / events, topic));
    }

    private static String seconds(Double s) {
        return s == null ? "-" : String.format("%.2f", s);
    }

    // ---------------------------------------------------------------------------------------------------- thread dumps

    /** The stream threads' states and stacks at one moment, as jstack shows them. */
    private record Dump(double at, List<ThreadInfo> threads) {
        static Dump take(double at, List<Thread> threads) {
            long[] ids = threads.stream().mapToLong(Thread::getId).toArray();
            return new Dump(at, Arrays.stream(ManagementFactory.getThreadMXBean().getThreadInfo(ids, Integer.MAX_VALUE))
                    .filter(Objects::nonNull).toList());
        }
    }

    private static final int DUMP_FRAMES = 14;

    /** {@code count} dumps spread evenly over those taken before {@code until}; a stack down to the first Tocsin or Streams task frame. */
    private static void printDumps(List<Dump> taken, int count, double until) {
        List<Dump> during = taken.stream().filter(d -> d.at() < until).toList();
        if (count == 0 || during.isEmpty()) {
            return;
        }
        System.out.printf("  %d thread dumps of the stream threads during the catch-up (of %d taken every 250 ms):%n",
                Math.min(count, during.size()), during.size());
        for (int k = 0; k < Math.min(count, during.size()); k++) {
            Dump d = during.get(count >= during.size() ? k : (int) Math.round(k * (during.size() - 1) / (double) (count - 1)));
            for (ThreadInfo t : d.threads()) {
                String name = t.getThreadName().substring(t.getThreadName().indexOf("StreamThread"));
                System.out.printf("  --- %.2f s %s %s%s%n", d.at(), name, t.getThreadState(),
                        t.getLockName() == null ? "" : " on " + t.getLockName());
                StackTraceElement[] stack = t.getStackTrace();
                for (int i = 0; i < Math.min(DUMP_FRAMES, stack.length); i++) {
                    System.out.println("        at " + stack[i]);
                }
                if (stack.length > DUMP_FRAMES) {
                    System.out.printf("        ... %d more%n", stack.length - DUMP_FRAMES);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- summary

    private static void printSummary(int events, int partitions, int threads, Preload preload, List<Pass> before, Pass after,
                                     CatchUp app, boolean ok) {
        Pass ceiling = Stream.of(before.get(1), after).max((a, b) -> Double.compare(a.rate(), b.rate())).orElseThrow();
        Optional<Double> fromStart = Optional.ofNullable(app.done()).map(s -> events / s);
        Optional<Double> fromRunning = Optional.ofNullable(app.done()).filter(s -> app.running() != null).map(s -> events / (s - app.running()));
        System.out.println();
        System.out.println("=== summary ===");
        System.out.println();
        System.out.println("| measurement | value |");
        System.out.println("|---|---|");
        System.out.printf("| input | %,d events on `tocsin.errors`, %d partitions, %,d fingerprints; record mean %,.0f B (min %,d, max %,d); "
                        + "%.1f exceptions, %.1f frames per event |%n", events, partitions, preload.perFingerprint().size(), preload.meanBytes(),
                preload.minBytes(), preload.maxBytes(), preload.exceptionsPerEvent(), preload.framesPerEvent());
        System.out.printf("| ceiling: plain consumer + `EventCodec`, 1 thread | **%,.0f records/s, %.1f MB/s** "
                        + "(passes after warm-up: %,.0f before the app, %,.0f after) |%n",
                ceiling.rate(), ceiling.megabytesPerSecond(), before.get(1).rate(), after.rate());
        System.out.printf("| topology, %d stream thread%s: `TocsinApp.start` to caught up | %s |%n", threads, threads == 1 ? "" : "s",
                fromStart.map(r -> String.format("%.2f s = **%,.0f records/s = %.2f × ceiling**", app.done(), r, r / ceiling.rate()))
                        .orElse("not caught up within " + CAP.toMinutes() + " min (" + app.inputCommitted() + " input records committed)"));
        System.out.printf("| topology: RUNNING to caught up | %s |%n", fromRunning
                .map(r -> String.format("%.2f s = %,.0f records/s = %.2f × ceiling (RUNNING at %.2f s)",
                        app.done() - app.running(), r, r / ceiling.rate(), app.running()))
                .orElse("-"));
        System.out.printf("| topology: input alone committed to its end | at %s s (first offsets committed at %s s) |%n",
                seconds(app.inputDone()), seconds(app.firstCommit()));
        if (fromRunning.isPresent()) {
            double wall = app.done() - app.running();
            double topologyCpu = app.processCpu() / 1e3 / events;
            System.out.printf("| CPU per event | ceiling %.0f µs (consumer thread %.0f µs); topology %.0f µs (stream thread%s %.0f µs) = "
                            + "**%.2f × the ceiling's CPU per event** |%n",
                    ceiling.processCpuMicrosPerRecord(), ceiling.threadCpu() / 1e3 / ceiling.records(),
                    topologyCpu, threads == 1 ? "" : "s", app.streamCpu() / 1e3 / events, topologyCpu / ceiling.processCpuMicrosPerRecord());
            if (app.secondHalf() != null) {
                SecondHalf h = app.secondHalf();
                System.out.printf("| topology: second half (input committed past %,d events at %.2f s, to caught up) | %,d events in %.2f s = "
                                + "**%,.0f records/s = %.2f × ceiling**; CPU per event %.0f µs (stream thread%s %.0f µs) = %.2f × the ceiling's |%n",
                        events / 2, h.from(), h.events(), h.seconds(), h.rate(), h.rate() / ceiling.rate(), h.processCpu() / 1e3 / h.events(),
                        threads == 1 ? "" : "s", h.streamCpu() / 1e3 / h.events(), h.processCpu() / 1e3 / h.events() / ceiling.processCpuMicrosPerRecord());
            }
            System.out.printf("| CPU the stream thread%s got, RUNNING to caught up | %.0f%% of the wall time%s "
                            + "(the process: %.2f cores of %d; GC %d collections, %.1f s) |%n",
                    threads == 1 ? "" : "s", 100 * app.streamCpu() / 1e9 / wall / threads, threads == 1 ? "" : " each on average",
                    app.processCpu() / 1e9 / wall, Runtime.getRuntime().availableProcessors(), app.gcCount(), app.gcMs() / 1e3);
        }
        System.out.printf("| memory (whole JVM: broker, clients, app) | RSS %,d MiB before the app, %,d MiB at the end; heap used %,d MiB before (after GC), "
                        + "%,d MiB at the end (before GC), %,d MiB after a full GC with the app running |%n",
                app.rssBefore() >> 20, app.rssEnd() >> 20, app.heapBefore() >> 20, app.heapEnd() >> 20, app.heapEndAfterGc() >> 20);
        System.out.printf("| check | %s: %,d groups (expected %,d), sum of totalCount %,d (expected %,d), %d groups off their sent count |%n",
                ok ? "passed" : "**FAILED**", app.groups(), GROUPS, app.countSum(), events, app.mismatched());
        System.out.printf("| machine | %d cores, load average at the end of the catch-up %s |%n", Runtime.getRuntime().availableProcessors(), app.load());
        System.out.println();
        System.out.println("| events | partitions | threads | mean event | ceiling records/s | ceiling MB/s | topology records/s | ratio | "
                + "from RUNNING records/s | ratio | second half records/s | ratio | CPU µs/event ceiling, topology | RSS at end |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        Optional<SecondHalf> h = Optional.ofNullable(app.secondHalf());
        System.out.printf("| %,d | %d | %d | %,.0f B | %,.0f | %.1f | %s | %s | %s | %s | %s | %s | %.0f, %s | %,d MiB |%n",
                events, partitions, threads, preload.meanBytes(),
                ceiling.rate(), ceiling.megabytesPerSecond(),
                fromStart.map(r -> String.format("%,.0f", r)).orElse("-"), fromStart.map(r -> String.format("%.2f", r / ceiling.rate())).orElse("-"),
                fromRunning.map(r -> String.format("%,.0f", r)).orElse("-"), fromRunning.map(r -> String.format("%.2f", r / ceiling.rate())).orElse("-"),
                h.map(x -> String.format("%,.0f", x.rate())).orElse("-"), h.map(x -> String.format("%.2f", x.rate() / ceiling.rate())).orElse("-"),
                ceiling.processCpuMicrosPerRecord(), fromRunning.map(r -> String.format("%.0f", app.processCpu() / 1e3 / events)).orElse("-"),
                app.rssEnd() >> 20);
        System.out.println(preload.perFingerprint().values().stream().collect(Collectors.summarizingLong(Long::longValue))
                .toString().replace("LongSummaryStatistics", "events per fingerprint: "));
    }
}
