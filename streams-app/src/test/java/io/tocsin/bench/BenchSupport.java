package io.tocsin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.app.TocsinApp;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.errors.Fingerprinter;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Topics;
import io.tocsin.topology.StoreNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the embedded-broker benchmarks share: the machine's state, the heap and RSS, CPU clocks, end and committed
 * offsets and lag, temporary directories; an app's configuration and start, the realistic pre-load, small error
 * events of a chosen fingerprint, the plain-consumer ceiling, the app group's catch-up (with its commit-marker probe),
 * what the app wrote (alerts, error groups), RocksDB memory from the app's metrics.
 */
final class BenchSupport {

    private static final List<Path> TEMP_DIRS = new ArrayList<>();

    private BenchSupport() {
    }

    /** A temporary directory, removed by {@link #deleteTempDirs()}. */
    static synchronized Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        TEMP_DIRS.add(dir);
        return dir;
    }

    static synchronized void deleteTempDirs() {
        TEMP_DIRS.forEach(BenchSupport::deleteQuietly);
        TEMP_DIRS.clear();
    }

    static void gc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    /** The 1, 5 and 15 minute load averages, to tell a quiet machine from a shared one. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** This process's resident set size in bytes (Linux), or -1. */
    static long rss() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time this process has used, in nanoseconds (all threads, the embedded broker's included). */
    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time a live thread has used, in nanoseconds (0 once it has ended). */
    static long threadCpu(Thread t) {
        return Math.max(0, ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId()));
    }

    /** The CPU time of every live Java thread, by thread id, with the thread's name. */
    record ThreadCpus(Map<Long, String> names, Map<Long, Long> cpu) {

        static ThreadCpus now() {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            Map<Long, String> names = new HashMap<>();
            Map<Long, Long> cpu = new HashMap<>();
            for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
                long ns = t == null ? -1 : mx.getThreadCpuTime(t.getThreadId());
                if (ns >= 0) {
                    names.put(t.getThreadId(), t.getThreadName());
                    cpu.put(t.getThreadId(), ns);
                }
            }
            return new ThreadCpus(names, cpu);
        }

        /**
         * The CPU used since {@code before}, summed by kind of thread: ids, UUIDs and numbers in the names replaced,
         * {@code appId} shown as {@code <app>}; largest first.
         */
        List<Map.Entry<String, Long>> since(ThreadCpus before, String appId) {
            Map<String, Long> byKind = new HashMap<>();
            cpu.forEach((id, ns) -> byKind.merge(kind(names.get(id), appId), ns - before.cpu().getOrDefault(id, 0L), Long::sum));
            return byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
        }

        private static String kind(String name, String appId) {
            return name.replace(appId, "<app>")
                    .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>")
                    .replaceAll("\\d+", "N");
        }
    }

    /** {collections, milliseconds} over all collectors. */
    static long[] gcTotals() {
        long count = 0;
        long ms = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new long[] {count, ms};
    }

    /** Every partition of the given topics. */
    static List<TopicPartition> partitionsOf(Admin admin, Collection<String> topics) throws Exception {
        if (topics.isEmpty()) {
            return List.of();
        }
        return admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition()))).toList();
    }

    /** The log end offsets (high watermarks) of the given partitions. */
    static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<TopicPartition> parts) throws Exception {
        if (parts.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = parts.stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    // ---------------------------------------------------------------------------------------------------- the app

    /**
     * An app's configuration for a benchmark: the broker, this application id, a fresh temporary {@code state.dir}, an
     * HTTP port of its own on loopback, then {@code overrides} (which may set any of these, {@code state.dir} included).
     */
    static AppConfig appConfig(String bootstrapServers, String applicationId, Map<String, String> overrides) throws IOException {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrapServers);
        m.put("application.id", applicationId);
        m.put("state.dir", tempDir("tocsin-bench-state-").toString());
        m.put("http.port", "0");
        m.put("http.bind", "127.0.0.1");
        m.putAll(overrides);
        return AppConfig.fromMap(m);
    }

    /** {@code topic.partitions} and {@code stream.threads} for {@link #appConfig}, then {@code overrides} (which win). */
    static Map<String, String> sized(int partitions, int threads, Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("topic.partitions", String.valueOf(partitions));
        m.put("stream.threads", String.valueOf(threads));
        m.putAll(overrides);
        return m;
    }

    /** App configuration from {@code -Dbench.app.KEY=VALUE} system properties, e.g. {@code -Dbench.app.kafka.commit.interval.ms=1000}. */
    static Map<String, String> appOverrides() {
        Map<String, String> m = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.app."))
                .forEach(k -> m.put(k.substring("bench.app.".length()), System.getProperty(k)));
        return m;
    }

    /** A fresh application id, so no state or committed offset of an earlier phase or run is reused. */
    static String freshId(String prefix) {
        return prefix + "-" + Long.toHexString(System.currentTimeMillis());
    }

    /** Starts an app in this JVM, its console discarded (alerts without a Slack route go there). */
    static TocsinApp startApp(AppConfig config) {
        return TocsinApp.start(config, new PrintStream(OutputStream.nullOutputStream()));
    }

    /** Waits (polling every 50 ms) until the app's Kafka Streams is RUNNING; false if {@code cap} passed first. */
    static boolean awaitRunning(TocsinApp app, Duration cap) throws InterruptedException {
        long deadline = System.nanoTime() + cap.toNanos();
        while (app.streams().state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The app's stream threads (live ones, by name). */
    static List<Thread> streamThreads(String applicationId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(applicationId) && t.getName().contains("-StreamThread-")).toList();
    }

    /** Producer properties for loading a topic fast: the app's producer settings (acks=all, idempotent), batching, lz4. */
    static Properties batchingProducer(AppConfig config) {
        Properties p = KafkaClients.producer(config);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        return p;
    }

    /**
     * A small exception event (about 1.3 kB of JSON) of fingerprint number {@code fingerprint}: its own exception type
     * (so its own group) with 12 frames, 5 of them in-app, a message with an id; a fresh event id each time.
     */
    static ExceptionEvent smallError(int fingerprint, String service, String instance) {
        String type = "com.acme.errors.Failure" + fingerprint + "Exception";
        List<Frame> frames = new ArrayList<>(SMALL_FRAMES);
        String message = "order " + (fingerprint * 7919L + System.nanoTime() % 1000) + " could not be settled: upstream answered 503";
        return new ExceptionEvent(ExceptionEvent.TYPE, EventCodec.VERSION, UUID.randomUUID().toString(), Instant.now(), service, instance,
                "prod", "RUNTIME", new ExceptionInfo(type, message, frames, null), null, Map.of("release", "2026.11.3"), null, 1);
    }

    private static final List<Frame> SMALL_FRAMES = List.of(
            new Frame("com.acme.orders.SettlementService", "settle", "SettlementService.java", 88, true),
            new Frame("com.acme.orders.SettlementService", "settleAll", "SettlementService.java", 61, true),
            new Frame("com.acme.orders.OrderController", "close", "OrderController.java", 140, true),
            new Frame("com.acme.orders.OrderFacade", "closeOrder", "OrderFacade.java", 52, true),
            new Frame("com.acme.orders.Jobs", "run", "Jobs.java", 33, true),
            new Frame("org.springframework.aop.framework.ReflectiveMethodInvocation", "proceed", "ReflectiveMethodInvocation.java", 184, false),
            new Frame("org.springframework.transaction.interceptor.TransactionInterceptor", "invoke", "TransactionInterceptor.java", 119, false),
            new Frame("org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor", "intercept", "CglibAopProxy.java", 708, false),
            new Frame("org.springframework.scheduling.support.ScheduledMethodRunnable", "run", "ScheduledMethodRunnable.java", 84, false),
            new Frame("java.util.concurrent.Executors$RunnableAdapter", "call", "Executors.java", 539, false),
            new Frame("java.util.concurrent.ThreadPoolExecutor$Worker", "run", "ThreadPoolExecutor.java", 635, false),
            new Frame("java.lang.Thread", "run", "Thread.java", 833, false));

    // ---------------------------------------------------------------------------------------------------- pre-load

    /** What was pre-loaded: sizes, shape, and how many events each fingerprint got (what the app must count). */
    record Preload(long events, long bytes, long minBytes, long maxBytes, double framesPerEvent, double framesPerException,
                   double exceptionsPerEvent, Map<String, Long> perFingerprint, double seconds) {
        double meanBytes() {
            return (double) bytes / events;
        }

        /** ERROR alerts a cap of {@code limit} per fingerprint allows, with every event in one window. */
        long expectedAlerts(int limit) {
            return perFingerprint.values().stream().mapToLong(n -> Math.min(n, limit)).sum();
        }
    }

    /**
     * {@code events} realistic exception events ({@link RealisticErrors}, seed 42) of {@code groups} fingerprints on
     * {@code tocsin.errors}, the fingerprints checked with the app's own {@link Fingerprinter} before sending.
     */
    static Preload preload(AppConfig config, Topics topics, int events, int groups) {
        Properties p = KafkaClients.producer(config);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        EventCodec codec = new EventCodec();
        Fingerprinter fingerprinter = new Fingerprinter();
        RealisticErrors generator = new RealisticErrors(groups, 42);
        Map<String, Long> perFingerprint = new HashMap<>();
        AtomicLong failed = new AtomicLong();
        long bytes = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        long frames = 0;
        long exceptions = 0;
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < events; i++) {
                ExceptionEvent e = generator.next(i);
                perFingerprint.merge(fingerprinter.fingerprint(e).id(), 1L, Long::sum);
                for (ExceptionInfo x = e.exception(); x != null; x = x.cause()) {
                    frames += x.frames().size();
                    exceptions++;
                }
                byte[] value = codec.write(e);
                long size = value.length + e.key().getBytes(StandardCharsets.UTF_8).length;
                bytes += size;
                min = Math.min(min, size);
                max = Math.max(max, size);
                producer.send(new ProducerRecord<>(topics.errors(), e.key(), value), (md, ex) -> {
                    if (ex != null) {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " sends failed");
        }
        if (perFingerprint.size() != groups) {
            throw new IllegalStateException("the generator made " + perFingerprint.size() + " fingerprints, not " + groups);
        }
        Preload preload = new Preload(events, bytes, min, max, (double) frames / events, (double) frames / exceptions,
                (double) exceptions / events, perFingerprint, seconds);
        System.out.printf("pre-load: %,d events (%,d fingerprints) in %.1f s; record (key + value) mean %,.0f B, min %,d, max %,d; "
                        + "%.1f exceptions and %.1f frames per event (%.1f per exception)%n", events, perFingerprint.size(), seconds,
                preload.meanBytes(), min, max, preload.exceptionsPerEvent(), preload.framesPerEvent(), preload.framesPerException());
        return preload;
    }

    // ---------------------------------------------------------------------------------------------------- ceiling

    private static final Duration CEILING_CAP = Duration.ofMinutes(8);

    /** One ceiling pass; CPU in nanoseconds: the consumer's thread, and the whole process (the broker's fetches included). */
    record Pass(long records, long bytes, double seconds, long threadCpu, long processCpu) {
        double rate() {
            return records / seconds;
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / seconds;
        }

        double processCpuMicrosPerRecord() {
            return processCpu / 1e3 / records;
        }
    }

    /** A plain consumer, one thread, reading the whole topic from the start and parsing every value. */
    static Pass ceiling(AppConfig config, Topics topics, long expected, String name) {
        EventCodec codec = new EventCodec();
        long records = 0;
        long bytes = 0;
        long frames = 0;
        long t0;
        long cpu0;
        long processCpu0;
        try (KafkaConsumer<String, byte[]> consumer = rawConsumer(config)) {
            Map<TopicPartition, Long> end = assignFromStart(consumer, topics.errors());
            long deadline = System.nanoTime() + CEILING_CAP.toNanos();
            cpu0 = threadCpu(Thread.currentThread());
            processCpu0 = processCpu();
            t0 = System.nanoTime();
            while (behind(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        frames += codec.parseException(r.value()).exception().frames().size();
                    } catch (InvalidEventException e) {
                        throw new IllegalStateException("a pre-loaded event does not parse", e);
                    }
                    records++;
                    bytes += r.serializedKeySize() + r.serializedValueSize();
                }
            }
        }
        Pass pass = new Pass(records, bytes, (System.nanoTime() - t0) / 1e9, threadCpu(Thread.currentThread()) - cpu0,
                processCpu() - processCpu0);
        if (records != expected) {
            throw new IllegalStateException(name + " read " + records + " records, not " + expected);
        }
        System.out.printf("%s: %,d records in %.2f s = %,.0f records/s, %.1f MB/s (%,d top-level frames parsed); CPU per record: "
                        + "%.0f µs on the consumer thread, %.0f µs in the whole process; load average %s%n",
                name, records, pass.seconds(), pass.rate(), pass.megabytesPerSecond(), frames, pass.threadCpu() / 1e3 / records,
                pass.processCpuMicrosPerRecord(), load());
        return pass;
    }

    // ---------------------------------------------------------------------------------------------------- reading topics

    /** A consumer without a group that reads records as the app's readers see them (read_committed). */
    static KafkaConsumer<String, byte[]> rawConsumer(AppConfig config) {
        return new KafkaConsumer<>(KafkaClients.replayConsumer(config), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Assigns every partition of {@code topic} from its start; returns their end offsets now, where a read of it all stops. */
    static Map<TopicPartition, Long> assignFromStart(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer.endOffsets(parts);
    }

    static boolean behind(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue());
    }

    /** Every alert on the alerts topic up to its current end (read_committed). */
    static List<Alert> alerts(AppConfig config, Topics topics) throws InvalidEventException {
        EventCodec codec = new EventCodec();
        List<Alert> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = rawConsumer(config)) {
            Map<TopicPartition, Long> end = assignFromStart(consumer, topics.alerts());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (behind(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    out.add(codec.parseAlert(r.value()));
                }
            }
        }
        return out;
    }

    /** {groups, sum of totalCount, groups whose count differs from what was sent}, from the app's HTTP API. */
    static long[] errorGroups(int port, Map<String, Long> sent) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/error-groups?limit=10000")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/api/error-groups answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode groups = new EventCodec().mapper().readTree(response.body());
        long sum = 0;
        long mismatched = 0;
        for (JsonNode g : groups) {
            long count = g.get("totalCount").asLong();
            sum += count;
            if (count != sent.getOrDefault(g.get("fingerprint").asText(), -1L)) {
                mismatched++;
            }
        }
        return new long[] {groups.size(), sum, mismatched};
    }

    // ---------------------------------------------------------------------------------------------------- offsets and catch-up

    static long offset(Map<TopicPartition, OffsetAndMetadata> committed, TopicPartition tp) {
        OffsetAndMetadata o = committed.get(tp);
        return o == null ? 0 : o.offset();
    }

    /** The group's committed offsets. */
    static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    /** The app's repartition topics (those Kafka Streams made for it so far). */
    static List<String> repartitionTopics(Admin admin, String applicationId) throws Exception {
        return admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-repartition")).sorted().toList();
    }

    /** Records not yet committed by the group, summed by topic: end offset less committed offset. */
    static Map<String, Long> lagByTopic(Admin admin, String group, Collection<String> topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
        Map<TopicPartition, Long> ends = endOffsets(admin, partitionsOf(admin, topics));
        Map<String, Long> lag = new TreeMap<>();
        ends.forEach((tp, end) -> lag.merge(tp.topic(), Math.max(0, end - offset(committed, tp)), Long::sum));
        return lag;
    }

    /** Whether the group has committed offsets at the end of every partition of the app's repartition topics. */
    static boolean repartitionCaughtUp(Admin admin, MarkerProbe markers, String applicationId,
                                       Map<TopicPartition, OffsetAndMetadata> committed) throws Exception {
        String byFingerprint = StoreNames.repartitionTopic(applicationId, StoreNames.ERRORS_BY_FINGERPRINT);
        List<TopicPartition> repartition = partitionsOf(admin, repartitionTopics(admin, applicationId));
        Map<TopicPartition, Long> ends = endOffsets(admin, repartition);
        return repartition.stream().anyMatch(tp -> tp.topic().equals(byFingerprint))
                && repartition.stream().allMatch(tp -> markers.caughtUp(tp, offset(committed, tp), ends.get(tp)));
    }

    /**
     * Whether the app has caught up: committed offsets at {@code inputEnd} on its input and at the end of every
     * repartition partition (committed first, then ends: once the input is committed to its end, exactly-once has
     * committed everything written for it, so the repartition ends read afterwards are final).
     */
    static boolean caughtUp(Admin admin, MarkerProbe markers, String applicationId, Map<TopicPartition, Long> inputEnd) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, applicationId);
        return inputEnd.entrySet().stream().allMatch(e -> offset(committed, e.getKey()) >= e.getValue())
                && repartitionCaughtUp(admin, markers, applicationId, committed);
    }

    /**
     * Whether an app's group has caught up: committed offsets at the end of every partition of its input topics
     * ({@code tocsin.errors}, {@code tocsin.heartbeats}, ends taken when this is made) and then of every repartition
     * topic of the app. Under exactly-once the last offset of a repartition partition is usually the commit marker of
     * the transaction that wrote it, so one short of the end counts as caught up once a read_committed read from
     * there finds no record.
     */
    static final class GroupCatchUp implements AutoCloseable {

        /** One look: input records committed, whether the input is committed to its end, and whether everything is. */
        record Progress(long inputCommitted, boolean inputDone, boolean done) {
        }

        private final Admin admin;
        private final MarkerProbe markers;
        private final String applicationId;
        private final List<TopicPartition> input;
        private final Map<TopicPartition, Long> inputEnd;

        GroupCatchUp(AppConfig config, Topics topics) throws Exception {
            this.admin = Admin.create(KafkaClients.common(config));
            this.markers = new MarkerProbe(config);
            this.applicationId = config.applicationId();
            this.input = partitionsOf(admin, List.of(topics.errors(), topics.heartbeats()));
            this.inputEnd = endOffsets(admin, input);
        }

        Progress poll() throws Exception {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, applicationId);
            long inputCommitted = input.stream().mapToLong(tp -> offset(committed, tp)).sum();
            boolean inputDone = input.stream().allMatch(tp -> offset(committed, tp) >= inputEnd.get(tp));
            // committed offsets first, then end offsets (in repartitionCaughtUp): once the input is committed to its
            // end, EOS has committed everything written for it, so the repartition ends read afterwards are final
            return new Progress(inputCommitted, inputDone, inputDone && repartitionCaughtUp(admin, markers, applicationId, committed));
        }

        @Override
        public void close() {
            markers.close();
            admin.close();
        }
    }

    /**
     * Tells a commit marker from a record: under exactly-once a partition the app wrote in transactions ends with the
     * marker of the last one, which a consumer never sees, so a committed offset one short of the end is caught up when
     * a read_committed read from there returns no record.
     */
    static final class MarkerProbe implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<TopicPartition, Long> markerAt = new HashMap<>();

        MarkerProbe(AppConfig config) {
            this.consumer = rawConsumer(config);
        }

        boolean caughtUp(TopicPartition tp, long committed, long end) {
            if (committed >= end) {
                return true;
            }
            return committed == end - 1 && isMarker(tp, committed, end);
        }

        private boolean isMarker(TopicPartition tp, long offset, long end) {
            if (markerAt.getOrDefault(tp, -1L) == offset) {
                return true;
            }
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.offset() == offset) {
                        return false;
                    }
                }
            }
            boolean marker = consumer.position(tp) >= end;
            if (marker) {
                markerAt.put(tp, offset);
            }
            return marker;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------- memory and disk

    /**
     * The heap in use right after the most recent collection (of any collector, a young one included), summed over the
     * heap pools, from that collection's {@code GcInfo}; -1 before the first collection. A floor that rises only if
     * what survives collections rises, without forcing a collection. (The pools' {@code getCollectionUsage} would not
     * do: with G1 the old generation's is updated only by mixed and full collections.)
     */
    static long heapAfterLastGc() {
        com.sun.management.GcInfo last = null;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (b instanceof com.sun.management.GarbageCollectorMXBean g) {
                com.sun.management.GcInfo info = g.getLastGcInfo();
                if (info != null && (last == null || info.getEndTime() > last.getEndTime())) {
                    last = info;
                }
            }
        }
        if (last == null) {
            return -1;
        }
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? last.getMemoryUsageAfterGc().get(pool.getName()) : null;
            sum += u == null ? 0 : u.getUsed();
        }
        return sum;
    }

    /** The heap used after three {@link System#gc()}s. */
    static long heapAfterFullGc() {
        gc();
        return usedHeap();
    }

    /**
     * RocksDB memory from the app's Kafka Streams metrics (recorded at the INFO level): {block cache usage, of it
     * pinned, memtables, table readers, live SST files on disk, estimated keys}. All stores share one block cache
     * ({@code rocksdb.memory}), so each reports the same cache: its largest report is the cache; the memtables are
     * charged to that cache too (write-buffer manager). The others are summed over the stores. -1 where no store
     * reports the metric.
     */
    static long[] rocksDb(KafkaStreams streams) {
        long[] out = {-1, -1, -1, -1, -1, -1};
        String[] names = {"block-cache-usage", "block-cache-pinned-usage", "size-all-mem-tables", "estimate-table-readers-mem",
            "live-sst-files-size", "estimate-num-keys"};
        streams.metrics().forEach((name, metric) -> {
            if (!name.group().equals("stream-state-metrics")) {
                return;
            }
            for (int i = 0; i < names.length; i++) {
                if (name.name().equals(names[i]) && metric.metricValue() instanceof Number n) {
                    long v = n.longValue();
                    out[i] = i < 2 ? Math.max(out[i], v) : Math.max(0, out[i]) + v;
                }
            }
        });
        return out;
    }

    /**
     * Disk space used under a directory, in bytes, as {@code du -sk} counts it (blocks allocated: the broker's
     * preallocated, sparse index files count for what they hold, not their apparent 10 MiB); 0 if it is gone, -1 if
     * {@code du} fails.
     */
    static long du(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try {
            Process p = new ProcessBuilder("du", "-sk", dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return Long.parseLong(out.split("\\s+")[0]) * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Least-squares slope of {@code y} over {@code x}. */
    static double slope(double[] x, double[] y) {
        int n = Math.min(x.length, y.length);
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    /** The 1-minute load average alone. */
    static String load1() {
        return load().split(" ")[0];
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the OS cleans it up eventually
        }
    }
}
