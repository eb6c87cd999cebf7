package io.tocsin.bench;

import io.tocsin.app.TocsinApp;
import io.tocsin.app.TopicProvisioner;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.RequestInfo;
import io.tocsin.model.Topics;
import io.tocsin.replay.Replay;
import io.tocsin.replay.ReplayReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Throughput of {@code streams-app.jar replay} ({@link Replay#run}) next to the live pipeline's on the same records,
 * run as a plain program ({@code bench/replay-throughput.sh [RECORDS] [LIVE_CAP_SECONDS] [SILENCE_MINUTES]}):
 * <ol>
 * <li>an embedded broker in a temporary directory, topics {@code bench.*} with 3 partitions;</li>
 * <li>RECORDS (default 1,000,000) records produced as fast as a batching producer goes: 90% heartbeats from 2,000
 * instances of 50 services (interval 1 s, round robin), 10% exception events (20 frames, 500 groups, ids unique);</li>
 * <li>the replay of the produced range ({@code --from} = produce start - 1 s, {@code --to} = produce end + 1 s, no
 * look-back) in this JVM, timed, with the replay thread's stack sampled every 20 ms;</li>
 * <li>the cost of the replay's wall-clock stepping on its own: a replay of the records' last 200 ms followed by
 * SILENCE_MINUTES (default 60, 0 to skip) without a record, crossed in heartbeat.check-interval steps;</li>
 * <li>a real app ({@link TocsinApp}) with a fresh application id on the same topics, timed until its group's
 * committed offsets reach the end of both input topics (and, reported separately, of its repartition topics), with
 * a cap; the stream thread's stack is sampled the same way.</li>
 * </ol>
 * Everything (broker, producer, replay, app) shares this JVM and the machine's cores, as {@code dev} does.
 */
public final class ReplayThroughput {

    private static final String PREFIX = "bench.";
    private static final int SERVICES = 50;
    private static final int INSTANCES = 2_000;
    private static final int GROUPS = 500;
    private static final int FRAMES = 20;
    private static final int IN_APP_FRAMES = 6;
    /** The steps whose share of the stack samples is reported. */
    private static final List<String> MARKERS = List.of(
            "io.tocsin.replay.RangeReader.fill",
            "io.tocsin.replay.Replay.countError",
            "io.tocsin.replay.Replay.advanceTo",
            "io.tocsin.replay.Replay.takeAlerts",
            "io.tocsin.replay.Replay.drain",
            "org.apache.kafka.streams.TopologyTestDriver.advanceWallClockTime",
            "org.apache.kafka.streams.TopologyTestDriver.getInputTopicOrPatternPartition",
            "org.apache.kafka.streams.TopologyTestDriver.captureOutputsAndReEnqueueInternalResults",
            "org.apache.kafka.streams.processor.internals.StreamTask.process",
            "org.apache.kafka.streams.processor.internals.StreamTask.postCommit",
            "org.apache.kafka.streams.processor.internals.StreamTask.punctuate",
            "org.apache.kafka.streams.processor.internals.StreamTask.maybePunctuateSystemTime",
            "io.tocsin.topology.InputParser.process",
            "io.tocsin.heartbeat.HeartbeatMonitorProcessor.process",
            "io.tocsin.heartbeat.HeartbeatMonitorProcessor.check",
            "io.tocsin.errors.ErrorThrottleProcessor.process",
            "io.tocsin.errors.Fingerprinter.fingerprint",
            "org.apache.kafka.streams.processor.internals.RecordCollectorImpl.send",
            "org.apache.kafka.clients.producer.KafkaProducer.send",
            "org.apache.kafka.streams.processor.internals.TaskManager.commit",
            "org.apache.kafka.clients.consumer.KafkaConsumer.poll",
            "org.rocksdb.RocksDB.put",
            "org.rocksdb.RocksDB.get",
            "com.fasterxml.jackson.databind.ObjectMapper.readValue");

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 1_000_000;
        Duration liveCap = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 600);
        Duration silence = Duration.ofMinutes(args.length > 2 ? Long.parseLong(args[2]) : 60);
        System.out.printf("replay throughput: %,d records, %d cores, max heap %d MiB, Java %s, load average %s%n", records,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), BenchSupport.load());
        List<String> summary = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) { // a temporary data dir, removed on close
            Path dataDir = broker.dataDir();
            AppConfig config = config(broker, "bench-topics");
            TopicProvisioner.ensure(config);
            Topics topics = new Topics(PREFIX);

            // 1. produce
            long t0 = System.nanoTime();
            Instant produceStart = Instant.now();
            long[] counts = produce(config, topics, records);
            Instant produceEnd = Instant.now();
            double produceS = (System.nanoTime() - t0) / 1e9;
            long bytes = dirSize(dataDir.resolve("logs"), n -> n.startsWith(PREFIX + "errors-") || n.startsWith(PREFIX + "heartbeats-"));
            summary.add(String.format("produce: %,d records (%,d heartbeats, %,d exception events) in %.1f s = %,.0f records/s "
                    + "(lz4; %,.0f MiB on disk for both input topics)", records, counts[0], counts[1], produceS, records / produceS, bytes / 1048576.0));
            System.out.println(summary.get(summary.size() - 1));

            // 2. replay
            Instant from = produceStart.minusSeconds(1);
            Instant to = produceEnd.plusSeconds(1);
            double replayRate = replay(config, from, to, records, summary);
            if (!silence.isZero()) {
                silenceTail(config, produceEnd, silence, replayRate, summary);
            }

            // 3. live
            double[] live = live(broker, topics, records, liveCap, summary);

            summary.add(String.format("ratio replay/live: %.2f (live = input topics caught up)%s", replayRate / live[0],
                    live[1] > 0 ? String.format("; %.2f against the live pipeline fully drained (repartition topics too)", replayRate / live[1]) : ""));
        }
        System.out.println();
        System.out.println("=== summary ===");
        summary.forEach(System.out::println);
        BenchSupport.deleteTempDirs();
        System.exit(0); // stray non-daemon client threads must not keep the benchmark alive
    }

    private static AppConfig config(EmbeddedKafkaBroker broker, String applicationId) throws IOException {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", broker.bootstrapServers());
        m.put("topic.prefix", PREFIX);
        m.put("topic.partitions", "3");
        m.put("application.id", applicationId);
        Path stateDir = BenchSupport.tempDir("tocsin-bench-state-");
        m.put("state.dir", stateDir.toString());
        m.put("http.port", "0");
        return AppConfig.fromMap(m);
    }

    // ---------------------------------------------------------------------------------------------------- produce

    /** Returns {heartbeats, exception events}. */
    private static long[] produce(AppConfig config, Topics topics, int records) {
        Properties p = KafkaClients.producer(config);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        EventCodec codec = new EventCodec();
        Random random = new Random(42);
        String run = Long.toHexString(System.currentTimeMillis());
        long heartbeats = 0;
        long errors = 0;
        AtomicLong failed = new AtomicLong();
        long lastReport = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < records; i++) {
                if (i % 10 == 9) {
                    ExceptionEvent e = exception(random, run + "-" + i);
                    producer.send(new ProducerRecord<>(topics.errors(), e.key(), codec.write(e)), (md, ex) -> {
                        if (ex != null) {
                            failed.incrementAndGet();
                        }
                    });
                    errors++;
                } else {
                    HeartbeatEvent h = heartbeat((int) (heartbeats % INSTANCES), random);
                    producer.send(new ProducerRecord<>(topics.heartbeats(), h.key(), codec.write(h)), (md, ex) -> {
                        if (ex != null) {
                            failed.incrementAndGet();
                        }
                    });
                    heartbeats++;
                }
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    System.err.printf("produce: %,d of %,d%n", i + 1, records);
                }
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " sends failed");
        }
        return new long[] {heartbeats, errors};
    }

    private static String service(int s) {
        return String.format("svc-%02d", s);
    }

    private static HeartbeatEvent heartbeat(int instance, Random random) {
        int s = instance % SERVICES;
        String name = service(s) + "-" + (instance / SERVICES);
        return new HeartbeatEvent(HeartbeatEvent.TYPE, EventCodec.VERSION, Instant.now(), service(s), name, "prod",
                "10." + (instance / 250) + "." + (instance % 250) + ".1:8080", 1000, HeartbeatEvent.Status.UP,
                Map.of("cpu", Math.round(random.nextDouble() * 1000) / 1000.0, "connections", (double) random.nextInt(500)));
    }

    private static final String[] FRAMEWORK = {
        "org.springframework.web.servlet.DispatcherServlet.doDispatch",
        "org.springframework.web.servlet.DispatcherServlet.doService",
        "org.springframework.web.servlet.FrameworkServlet.processRequest",
        "org.springframework.web.servlet.FrameworkServlet.doGet",
        "jakarta.servlet.http.HttpServlet.service",
        "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter",
        "org.apache.catalina.core.ApplicationFilterChain.doFilter",
        "org.springframework.web.filter.OncePerRequestFilter.doFilter",
        "org.apache.catalina.core.StandardWrapperValve.invoke",
        "org.apache.catalina.core.StandardContextValve.invoke",
        "org.apache.catalina.connector.CoyoteAdapter.service",
        "org.apache.coyote.http11.Http11Processor.service",
        "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun",
        "java.lang.Thread.run",
    };
    private static final String[] TYPES = {"java.lang.IllegalStateException", "java.lang.NullPointerException",
        "java.lang.IllegalArgumentException", "org.springframework.dao.DataIntegrityViolationException", "java.util.NoSuchElementException"};

    /** Group g: service g % 50, its own in-app frames; a random instance of the service, a varying id in the message. */
    private static ExceptionEvent exception(Random random, String id) {
        int g = random.nextInt(GROUPS);
        int s = g % SERVICES;
        int instance = s + SERVICES * random.nextInt(INSTANCES / SERVICES);
        int orderId = random.nextInt(1_000_000);
        List<Frame> frames = new ArrayList<>(FRAMES);
        String pkg = "com.acme." + service(s).replace("-", "") + ".g" + g;
        String[] layers = {"Repository", "Service", "Validator", "Mapper", "Service", "Controller"};
        for (int k = 0; k < IN_APP_FRAMES; k++) {
            String cls = pkg + "." + layers[k] + (k == 4 ? "Impl" : "");
            frames.add(new Frame(cls, "step" + k, layers[k] + ".java", 20 + 7 * k + (g % 13), true));
        }
        for (int k = 0; k < FRAMES - IN_APP_FRAMES; k++) {
            String f = FRAMEWORK[k];
            int dot = f.lastIndexOf('.');
            frames.add(new Frame(f.substring(0, dot), f.substring(dot + 1), f.substring(f.lastIndexOf('.', dot - 1) + 1, dot) + ".java", 100 + k, false));
        }
        ExceptionInfo info = new ExceptionInfo(TYPES[g % TYPES.length], "order " + orderId + " failed in step " + (g % 7), frames, null);
        return new ExceptionEvent(ExceptionEvent.TYPE, EventCodec.VERSION, id, Instant.now(), service(s),
                service(s) + "-" + (instance / SERVICES), "prod", "RUNTIME", info,
                new RequestInfo("POST", "/api/g" + g + "/orders/" + orderId), Map.of("region", "eu-" + (instance % 3)), null, 1);
    }

    // ---------------------------------------------------------------------------------------------------- replay

    private static double replay(AppConfig config, Instant from, Instant to, int records, List<String> summary) {
        BenchSupport.gc();
        long heapBefore = BenchSupport.usedHeap();
        long[] gcBefore = BenchSupport.gcTotals();
        StackSampler sampler = StackSampler.start("replay", MARKERS, List.of(Thread.currentThread()));
        long lastLine = System.nanoTime();
        long[] read = {0};
        long[] last = {lastLine};
        long t0 = System.nanoTime();
        List<long[]> points = new ArrayList<>();
        ReplayReport report = Replay.run(config, config, new Replay.Options(from, to, Duration.ZERO, Set.of()), progress -> {
            read[0] = progress.read();
            points.add(new long[] {progress.read(), System.nanoTime()});
            if (System.nanoTime() - last[0] > 10_000_000_000L) {
                last[0] = System.nanoTime();
                System.err.printf("replay: %,d of %,d records read, %.0f s%n", progress.read(), progress.total(), (last[0] - t0) / 1e9);
            }
        }, () -> false);
        long t1 = System.nanoTime();
        double seconds = (t1 - t0) / 1e9;
        sampler.stop();
        long[] half = points.stream().filter(x -> x[0] >= records / 2).findFirst().orElse(new long[] {0, t0});
        double secondHalf = (records - half[0]) / Math.max(0.001, (t1 - half[1]) / 1e9);
        long heapAfter = BenchSupport.usedHeap();
        long[] gcAfter = BenchSupport.gcTotals();
        BenchSupport.gc();
        long heapAfterGc = BenchSupport.usedHeap();
        ReplayReport.Counts c = report.counts();
        double rate = records / seconds;
        summary.add(String.format("replay: %,d records (%,d heartbeats, %,d exception events counted in the report) in %.1f s = %,.0f records/s (%,.0f records/s over the second half); "
                        + "%,d alerts (%s), %,d silenced, %,d dead letters; heap used %,d MiB after (before GC), %,d MiB after a full GC "
                        + "with the report held (%,d MiB before the replay); GC %,d collections, %.1f s; load average at the end %s",
                read[0], c.heartbeats(), c.errorEvents(), seconds, rate, secondHalf, c.alerts(), kinds(report.alerts()), c.silencedAlerts(), c.deadLetters(),
                heapAfter >> 20, heapAfterGc >> 20, heapBefore >> 20, gcAfter[0] - gcBefore[0], (gcAfter[1] - gcBefore[1]) / 1000.0, BenchSupport.load()));
        System.out.println(summary.get(summary.size() - 1));
        sampler.print(System.out);
        return rate;
    }

    /**
     * The wall-clock stepping on its own: the last 200 ms of the produced records (every instance heartbeats in them)
     * and then {@code silence} without a record, which the replay crosses in heartbeat.check-interval steps, each
     * running the monitor's check over every instance it knows (and here finding them all going down).
     */
    private static void silenceTail(AppConfig config, Instant produceEnd, Duration silence, double replayRate, List<String> summary) {
        Instant from = produceEnd.minusMillis(200);
        Instant to = produceEnd.plus(silence);
        long steps = silence.toMillis() / config.heartbeat().checkInterval().toMillis();
        long[] read = {0};
        StackSampler sampler = StackSampler.start("silence tail", MARKERS, List.of(Thread.currentThread()));
        long t0 = System.nanoTime();
        ReplayReport report = Replay.run(config, config, new Replay.Options(from, to, Duration.ZERO, Set.of()),
                progress -> read[0] = progress.read(), () -> false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.stop();
        double stepping = seconds - read[0] / replayRate;
        summary.add(String.format("silence tail: replay of the last 200 ms of records (%,d records) then %d min without any "
                        + "(%,d wall-clock steps of %d ms): %.1f s; less the records at the replay's rate: about %.1f s for the steps "
                        + "= %.2f ms a step with %,d instances known; %,d alerts (%s)",
                read[0], silence.toMinutes(), steps, config.heartbeat().checkInterval().toMillis(), seconds, stepping,
                1000 * stepping / steps, INSTANCES, report.counts().alerts(), kinds(report.alerts())));
        System.out.println(summary.get(summary.size() - 1));
        sampler.print(System.out);
    }

    private static String kinds(List<Alert> alerts) {
        return new TreeMap<>(alerts.stream().collect(Collectors.groupingBy(a -> a.kind().name(), Collectors.counting())))
                .entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    // ---------------------------------------------------------------------------------------------------- live

    /** Returns {records/s until the input topics are caught up (or up to the cap), records/s until all is drained or 0}. */
    private static double[] live(EmbeddedKafkaBroker broker, Topics topics, int records, Duration cap, List<String> summary) throws Exception {
        String applicationId = "bench-live-" + Long.toHexString(System.currentTimeMillis());
        AppConfig config = config(broker, applicationId);
        Set<String> inputs = Set.of(topics.errors(), topics.heartbeats());
        try (Admin admin = Admin.create(KafkaClients.common(config))) {
            Map<TopicPartition, Long> inputEnd = BenchSupport.endOffsets(admin, BenchSupport.partitionsOf(admin, inputs));
            long inputTotal = inputEnd.values().stream().mapToLong(Long::longValue).sum();
            BenchSupport.gc();
            long t0 = System.nanoTime();
            TocsinApp app = TocsinApp.start(config, new PrintStream(OutputStream.nullOutputStream()));
            StackSampler sampler = StackSampler.start("live", MARKERS, List.of());
            Double firstCommitS = null;
            Double inputDoneS = null;
            Double allDoneS = null;
            long inputConsumed = 0;
            long internalLag = -1;
            long lastLine = 0;
            long deadline = t0 + cap.toNanos();
            long heap = 0;
            try {
                while (System.nanoTime() < deadline) {
                    Thread.sleep(1000);
                    sampler.watch(t -> t.getName().startsWith(applicationId) && t.getName().contains("-StreamThread-"));
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                            .partitionsToOffsetAndMetadata().get();
                    double s = (System.nanoTime() - t0) / 1e9;
                    inputConsumed = 0;
                    long inputLag = 0;
                    for (Map.Entry<TopicPartition, Long> e : inputEnd.entrySet()) {
                        OffsetAndMetadata o = committed.get(e.getKey());
                        long at = o == null ? 0 : o.offset();
                        inputConsumed += at;
                        inputLag += e.getValue() - at;
                    }
                    // the repartition topics, whether or not the app has committed offsets on them yet
                    Set<String> repartition = admin.listTopics().names().get().stream()
                            .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-repartition")).collect(Collectors.toSet());
                    List<TopicPartition> internal = BenchSupport.partitionsOf(admin, repartition);
                    Map<TopicPartition, Long> internalEnd = BenchSupport.endOffsets(admin, internal);
                    internalLag = 0;
                    for (TopicPartition tp : internal) {
                        OffsetAndMetadata o = committed.get(tp);
                        internalLag += internalEnd.get(tp) - (o == null ? 0 : o.offset());
                    }
                    if (firstCommitS == null && inputConsumed > 0) {
                        firstCommitS = s;
                    }
                    if (inputDoneS == null && inputLag == 0) {
                        inputDoneS = s;
                    }
                    // repartition topics: EOS leaves a commit marker after the last record, so "drained" is within a few offsets
                    if (inputDoneS != null && internalLag <= 3L * internal.size()) {
                        allDoneS = s;
                        break;
                    }
                    if (System.nanoTime() - lastLine > 10_000_000_000L) {
                        lastLine = System.nanoTime();
                        System.err.printf("live: %.0f s, input consumed %,d of %,d (lag %,d), repartition lag %,d, streams %s%n",
                                s, inputConsumed, inputTotal, inputLag, internalLag, app.streams().state());
                    }
                }
                heap = BenchSupport.usedHeap();
            } finally {
                sampler.stop();
                app.close();
            }
            String alerts = alertsWritten(config, topics);
            double rate;
            String line;
            if (inputDoneS != null) {
                rate = records / inputDoneS;
                line = String.format("live: input topics caught up (%,d records) %.1f s after TocsinApp.start = %,.0f records/s "
                                + "(first offsets committed at %.1f s; %,.0f records/s from then); repartition topics drained at %s%s; "
                                + "heap used %,d MiB at the end (before GC); %s written to %s when the app was closed; load average at the end %s",
                        inputTotal, inputDoneS, rate, firstCommitS, records / Math.max(0.001, inputDoneS - firstCommitS),
                        allDoneS == null ? "(not within the cap, lag " + internalLag + ")" : String.format("%.1f s", allDoneS),
                        allDoneS == null ? "" : String.format(" = %,.0f records/s", records / allDoneS),
                        heap >> 20, alerts, topics.alerts(), BenchSupport.load());
            } else {
                double s = (System.nanoTime() - t0) / 1e9;
                rate = inputConsumed / s;
                line = String.format("live: CAP HIT after %.0f s: %,d of %,d input records committed = %,.0f records/s up to the cap "
                                + "(first offsets committed at %s s); repartition lag %,d; %s written to %s", s, inputConsumed, inputTotal, rate,
                        firstCommitS == null ? "-" : String.format("%.1f", firstCommitS), internalLag, alerts, topics.alerts());
            }
            summary.add(line);
            System.out.println(line);
            sampler.print(System.out);
            return new double[] {rate, allDoneS == null ? 0 : records / allDoneS};
        }
    }

    /** The alerts on the alerts topic (committed ones), by kind. */
    private static String alertsWritten(AppConfig config, Topics topics) {
        Properties p = KafkaClients.replayConsumer(config);
        EventCodec codec = new EventCodec();
        List<Alert> alerts = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topics.alerts()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        alerts.add(codec.parseAlert(r.value()));
                    } catch (InvalidEventException e) {
                        // not ours to judge here
                    }
                }
            }
        }
        return String.format("%,d alerts (%s)", alerts.size(), kinds(alerts));
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private static long dirSize(Path dir, Predicate<String> partitionDir) {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .filter(f -> partitionDir.test(f.getParent().getFileName().toString()))
                    .mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
