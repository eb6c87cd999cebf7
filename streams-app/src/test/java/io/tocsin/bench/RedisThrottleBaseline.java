package io.tocsin.bench;

import io.tocsin.app.TocsinApp;
import io.tocsin.app.TopicProvisioner;
import io.tocsin.bench.BenchSupport.GroupCatchUp;
import io.tocsin.bench.BenchSupport.Pass;
import io.tocsin.bench.BenchSupport.Preload;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.delivery.SlackMessage;
import io.tocsin.errors.Fingerprint;
import io.tocsin.errors.Fingerprinter;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.Frame;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * The design Tocsin replaces (background.md, incident 3) and Tocsin itself on the same events, side by side in one
 * run ({@code bench/redis-baseline.sh [EVENTS] [PARTITIONS]}):
 * <ol>
 * <li>an embedded broker; EVENTS (default 20,000) realistic exception events of 1,000 fingerprints pre-loaded on
 * {@code tocsin.errors} with PARTITIONS partitions (default 3), as {@link TopologyThroughput} loads them;</li>
 * <li>the plain-consumer <b>ceiling</b> (read and parse, one thread): a warm-up pass, one pass before and one after
 * the designs; the faster of the last two counts;</li>
 * <li>a local {@code redis-server} on a free port, no persistence;</li>
 * <li>the <b>Redis design</b> as a plain Java service, one thread, one Kafka consumer in a group of its own and one
 * Redis connection: parse with the app's {@link EventCodec}, fingerprint with the app's {@link Fingerprinter},
 * {@code INCR} the fingerprint's key and {@code EXPIRE} it (the app's {@code error.alert.window}) when the count comes
 * back 1; a count of 1 to {@code error.alert.limit} is an alert, built as Tocsin builds it (an {@link Alert} rendered
 * to the Slack payload by the app's {@link SlackMessage}) and counted instead of posted; offsets committed after
 * every poll (at least once). Two variants: a round trip per command, as the incident's service did it, and the
 * commands of one poll pipelined (one round trip for the {@code INCR}s, one for the {@code EXPIRE}s if any);</li>
 * <li><b>Tocsin</b>: a real app (fresh application id, one stream thread, exactly-once, commit 100 ms) timed as
 * {@link TopologyThroughput} times it: until its group has committed offsets at the end of the input and of its
 * repartition topics;</li>
 * <li>a check: every design made the same number of {@code ERROR} alerts, the sum over fingerprints of
 * min(events, limit), every event being inside one window.</li>
 * </ol>
 * With {@code -Dbench.rateFile=PATH} Tocsin's rate from RUNNING is written there, for {@link AlertLatency}.
 */
public final class RedisThrottleBaseline {

    private static final int GROUPS = 1_000;
    private static final Duration CAP = Duration.ofMinutes(8);
    private static final long POLL_MS = 100;

    /**
     * One design's run over the whole input: seconds from start to done and to its first record (Redis) or RUNNING
     * (Tocsin); CPU in nanoseconds, this JVM's (the broker's share included) and redis-server's.
     */
    private record Run(String name, long records, long alerts, double seconds, double warmUp, long jvmCpu, long redisCpu,
                       long roundTrips, boolean countsOk, String load) {
        double rate() {
            return records / seconds;
        }

        /** The rate once the design had started taking records (Redis: first record polled; Tocsin: RUNNING). */
        double steadyRate() {
            return records / (seconds - warmUp);
        }
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 20_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (events < GROUPS) {
            throw new IllegalArgumentException("EVENTS must be at least " + GROUPS + " (one per group)");
        }
        System.out.printf("Redis design against Tocsin: %,d events, %d partitions; %d cores, max heap %d MiB, Java %s, pid %d, "
                        + "load average %s%n", events, partitions, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), ProcessHandle.current().pid(), BenchSupport.load());
        boolean ok;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort();
             RedisServer redis = RedisServer.start(BenchSupport.tempDir("tocsin-bench-redis-"))) {
            AppConfig topicsConfig = BenchSupport.appConfig(broker.bootstrapServers(), "bench-topics",
                    BenchSupport.sized(partitions, 1, BenchSupport.appOverrides()));
            TopicProvisioner.ensure(topicsConfig);
            Topics topics = new Topics(topicsConfig.topicPrefix());
            Preload preload = BenchSupport.preload(topicsConfig, topics, events, GROUPS);
            BenchSupport.ceiling(topicsConfig, topics, events, "ceiling pass 1 (warm-up)");
            Pass before = BenchSupport.ceiling(topicsConfig, topics, events, "ceiling pass 2");
            List<Run> runs = new ArrayList<>();
            runs.add(redisDesign(topicsConfig, topics, redis, false, events));
            runs.add(redisDesign(topicsConfig, topics, redis, true, events));
            runs.add(tocsin(broker, topics, partitions, preload));
            Pass after = BenchSupport.ceiling(topicsConfig, topics, events, "ceiling pass 3 (after the designs)");
            long expected = preload.expectedAlerts(topicsConfig.throttle().limit());
            ok = runs.stream().allMatch(r -> r.alerts() == expected && r.records() == events && r.countsOk());
            printSummary(preload, partitions, before, after, runs, expected, ok);
            writeRate(runs.get(runs.size() - 1));
        }
        BenchSupport.deleteTempDirs();
        System.exit(ok ? 0 : 1); // stray non-daemon client threads must not keep the benchmark alive
    }

    // ---------------------------------------------------------------------------------------------------- Redis design

    private static Run redisDesign(AppConfig config, Topics topics, RedisServer redis, boolean pipelined, long events) throws Exception {
        String name = pipelined ? "Redis design, pipelined per poll" : "Redis design, a round trip per command";
        long jvmCpu0 = BenchSupport.processCpu();
        long redisCpu0 = redis.cpu();
        long t0 = System.nanoTime();
        try (IncidentThreeService service = new IncidentThreeService(config, topics, redis.port(), pipelined)) {
            double firstRecord = service.consumeAll(events, t0);
            Run run = new Run(name, service.records, service.alerts, (System.nanoTime() - t0) / 1e9, firstRecord,
                    BenchSupport.processCpu() - jvmCpu0, redis.cpu() - redisCpu0, service.roundTrips, true, BenchSupport.load());
            System.out.printf("%s: %,d records in %.2f s (first record at %.2f s) = %,.0f records/s; %,d ERROR alerts (%,d payload bytes "
                            + "built), %,d Redis round trips; CPU per record: %.0f µs in this JVM, %.0f µs in redis-server; load average %s%n",
                    name, run.records(), run.seconds(), run.warmUp(), run.rate(), run.alerts(), service.payloadBytes, run.roundTrips(),
                    run.jvmCpu() / 1e3 / run.records(), run.redisCpu() / 1e3 / run.records(), run.load());
            return run;
        }
    }

    /**
     * Incident 3's alerting service: a Kafka consumer and a Redis connection on one thread. A count in Redis per
     * fingerprint that expires a window after the fingerprint's first occurrence; occurrences 1 to the limit alert.
     */
    private static final class IncidentThreeService implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Jedis jedis;
        private final boolean pipelined;
        private final int limit;
        private final long windowSeconds;
        /** Keys of a run of their own: the second variant must not find the first one's counts. */
        private final String keyPrefix;
        private final EventCodec codec = new EventCodec();
        private final Fingerprinter fingerprinter = new Fingerprinter();
        private final SlackMessage slack = new SlackMessage(codec.mapper(), Optional.empty(), Optional.empty());
        long records;
        long alerts;
        long payloadBytes;
        long roundTrips;

        /** One occurrence: its event, its fingerprint, and the fingerprint's key in Redis. */
        private record Occurrence(ExceptionEvent event, Fingerprint fingerprint, String key) {
        }

        IncidentThreeService(AppConfig config, Topics topics, int redisPort, boolean pipelined) {
            Properties p = KafkaClients.common(config);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, BenchSupport.freshId("bench-redis-design"));
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            this.consumer.subscribe(List.of(topics.errors()));
            this.jedis = new Jedis("127.0.0.1", redisPort);
            this.pipelined = pipelined;
            this.limit = config.throttle().limit();
            this.windowSeconds = config.throttle().window().toSeconds();
            this.keyPrefix = "alert-count:" + (pipelined ? "pipelined" : "per-command") + ":";
        }

        /** Consumes until {@code expected} records are handled and committed; returns when the first came, in seconds from {@code t0}. */
        double consumeAll(long expected, long t0) {
            double first = -1;
            long deadline = t0 + CAP.toNanos();
            while (records < expected && System.nanoTime() < deadline) {
                ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(POLL_MS));
                if (polled.isEmpty()) {
                    continue;
                }
                first = first < 0 ? (System.nanoTime() - t0) / 1e9 : first;
                List<Occurrence> batch = new ArrayList<>(polled.count());
                polled.forEach(r -> batch.add(occurrence(r)));
                if (pipelined) {
                    countPipelined(batch);
                } else {
                    batch.forEach(this::countOne);
                }
                consumer.commitSync();
                records += batch.size();
            }
            return first;
        }

        private Occurrence occurrence(ConsumerRecord<String, byte[]> r) {
            try {
                ExceptionEvent e = codec.parseException(r.value());
                Fingerprint f = fingerprinter.fingerprint(e);
                return new Occurrence(e, f, keyPrefix + f.id());
            } catch (InvalidEventException e) {
                throw new IllegalStateException("a pre-loaded event does not parse", e);
            }
        }

        private void countOne(Occurrence o) {
            long n = jedis.incr(o.key());
            roundTrips++;
            if (n == 1) {
                jedis.expire(o.key(), windowSeconds);
                roundTrips++;
            }
            alertIfUnderLimit(o, n);
        }

        /** Every INCR of the poll in one round trip; then the EXPIREs of the keys that were new, in a second. */
        private void countPipelined(List<Occurrence> batch) {
            List<Response<Long>> counts = new ArrayList<>(batch.size());
            try (Pipeline p = jedis.pipelined()) {
                batch.forEach(o -> counts.add(p.incr(o.key())));
                p.sync();
                roundTrips++;
                boolean expiring = false;
                for (int i = 0; i < batch.size(); i++) {
                    if (counts.get(i).get() == 1) {
                        p.expire(batch.get(i).key(), windowSeconds);
                        expiring = true;
                    }
                }
                if (expiring) {
                    p.sync();
                    roundTrips++;
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                alertIfUnderLimit(batch.get(i), counts.get(i).get());
            }
        }

        private void alertIfUnderLimit(Occurrence o, long n) {
            if (n > limit) {
                return;
            }
            alerts++;
            payloadBytes += slack.webhookPayload(List.of(alert(o, (int) n))).length();
        }

        /** The alert as Tocsin would word it; the design knows no window start, only a key's time to live. */
        private Alert alert(Occurrence o, int n) {
            ExceptionEvent e = o.event();
            return Alert.error(Alert.idOf(AlertKind.ERROR, o.fingerprint().id(), n),
                    new Alert.Subject(o.fingerprint().id(), e.service(), e.environment(), e.instance()), e.timestamp(),
                    o.fingerprint().title(), text(e), n, limit, null, null);
        }

        /** Type and message, the top in-app frames and the request: what a developer needs to tell one error from another. */
        private static String text(ExceptionEvent e) {
            String frames = e.exception().frames().stream().filter(Frame::inApp).limit(3)
                    .map(f -> "at " + f.className() + "." + f.method() + (f.line() != null && f.line() > 0 ? ":" + f.line() : ""))
                    .collect(Collectors.joining("\n"));
            String request = e.request() == null ? "" : "\nrequest: " + e.request().method() + " " + e.request().url();
            return e.exception().type() + ": " + e.exception().message() + "\n" + frames + request;
        }

        @Override
        public void close() {
            jedis.close();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    // ---------------------------------------------------------------------------------------------------- Tocsin

    private static Run tocsin(EmbeddedKafkaBroker broker, Topics topics, int partitions, Preload preload) throws Exception {
        AppConfig config = BenchSupport.appConfig(broker.bootstrapServers(), BenchSupport.freshId("bench-redis-vs-tocsin"),
                BenchSupport.sized(partitions, 1, BenchSupport.appOverrides()));
        try (GroupCatchUp catchUp = new GroupCatchUp(config, topics)) {
            long cpu0 = BenchSupport.processCpu();
            long t0 = System.nanoTime();
            TocsinApp app = BenchSupport.startApp(config);
            try {
                double running = awaitCaughtUp(app, catchUp, t0);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long cpu = BenchSupport.processCpu() - cpu0;
                String load = BenchSupport.load();
                long[] groups = BenchSupport.errorGroups(app.httpPort(), preload.perFingerprint());
                long errorAlerts = BenchSupport.alerts(config, topics).stream().filter(a -> a.kind() == AlertKind.ERROR).count();
                System.out.printf("Tocsin: caught up at %.2f s (RUNNING at %.2f s); %,d ERROR alerts on %s; /api/error-groups: %,d groups, "
                                + "sum of totalCount %,d, %d off their sent count; CPU per record %.0f µs in this JVM; load average %s%n",
                        seconds, running, errorAlerts, topics.alerts(), groups[0], groups[1], groups[2], cpu / 1e3 / preload.events(), load);
                boolean countsOk = groups[0] == GROUPS && groups[1] == preload.events() && groups[2] == 0;
                return new Run("Tocsin topology, 1 stream thread, exactly-once", preload.events(), errorAlerts, seconds, running, cpu, 0, 0,
                        countsOk, load);
            } finally {
                app.close();
            }
        }
    }

    /** Waits until the app's group has caught up (or the cap); returns when it was RUNNING, in seconds from {@code t0}. */
    private static double awaitCaughtUp(TocsinApp app, GroupCatchUp catchUp, long t0) throws Exception {
        double running = -1;
        while (System.nanoTime() - t0 < CAP.toNanos()) {
            Thread.sleep(POLL_MS);
            if (running < 0 && app.streams().state() == KafkaStreams.State.RUNNING) {
                running = (System.nanoTime() - t0) / 1e9;
            }
            if (catchUp.poll().done()) {
                return running;
            }
        }
        throw new IllegalStateException("Tocsin did not catch up within " + CAP);
    }

    // ---------------------------------------------------------------------------------------------------- summary

    private static void printSummary(Preload preload, int partitions, Pass before, Pass after, List<Run> runs, long expected, boolean ok) {
        Pass ceiling = Stream.of(before, after).max((a, b) -> Double.compare(a.rate(), b.rate())).orElseThrow();
        Run tocsin = runs.get(runs.size() - 1);
        System.out.println();
        System.out.println("=== summary ===");
        System.out.printf("%,d events on `tocsin.errors`, %d partitions, %,d fingerprints, record mean %,.0f B; load average at the end %s%n%n",
                preload.events(), partitions, preload.perFingerprint().size(), preload.meanBytes(), BenchSupport.load());
        System.out.println("| design | from start | records/s | after first record / RUNNING | records/s | CPU µs per record: JVM + redis-server "
                + "| Redis round trips | ERROR alerts | load at its end |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        System.out.printf("| ceiling: plain consumer + `EventCodec` (best of the passes before and after: %,.0f, %,.0f) | %.2f s | **%,.0f** | - | - "
                        + "| %.0f + 0 | - | - | - |%n", before.rate(), after.rate(), ceiling.seconds(), ceiling.rate(), ceiling.processCpuMicrosPerRecord());
        for (Run r : runs) {
            System.out.printf("| %s | %.2f s | **%,.0f** | %.2f s | %,.0f | %.0f + %.0f | %s | %,d | %s |%n", r.name(), r.seconds(), r.rate(),
                    r.seconds() - r.warmUp(), r.steadyRate(), r.jvmCpu() / 1e3 / preload.events(), r.redisCpu() / 1e3 / preload.events(),
                    r.roundTrips() == 0 ? "-" : String.format("%,d", r.roundTrips()), r.alerts(), r.load());
        }
        System.out.println();
        System.out.printf("Tocsin / ceiling: %.3f (from start)%n", tocsin.rate() / ceiling.rate());
        for (Run r : runs.subList(0, runs.size() - 1)) {
            System.out.printf("Tocsin / %s: %.3f from start, %.3f after first record / RUNNING%n", r.name(), tocsin.rate() / r.rate(),
                    tocsin.steadyRate() / r.steadyRate());
        }
        System.out.printf("check: %s: expected %,d ERROR alerts (min(events, limit) summed over fingerprints); %s%n", ok ? "passed" : "**FAILED**",
                expected, runs.stream().map(r -> r.name() + " " + r.alerts()).collect(Collectors.joining(", ")));
    }

    /** Tocsin's rate from RUNNING, the sustained rate {@link AlertLatency} takes as its maximum unless given one. */
    private static void writeRate(Run tocsin) throws IOException {
        String file = System.getProperty("bench.rateFile");
        if (file != null) {
            Files.writeString(Path.of(file), String.format("%.0f%n", tocsin.steadyRate()));
            System.out.printf("wrote Tocsin's rate from RUNNING (%.0f records/s) to %s%n", tocsin.steadyRate(), file);
        }
    }

    // ---------------------------------------------------------------------------------------------------- redis-server

    /** A local redis-server on a free loopback port, nothing persisted, stopped on close. */
    private static final class RedisServer implements AutoCloseable {
        /** Jiffies per second of /proc/PID/stat's CPU times (USER_HZ, 100 on Linux everywhere that matters). */
        private static final long USER_HZ = 100;
        private final Process process;
        private final int port;

        private RedisServer(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static RedisServer start(Path dir) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            RedisServer server = new RedisServer(p, port);
            server.awaitPing(dir);
            return server;
        }

        private void awaitPing(Path dir) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (Jedis j = new Jedis("127.0.0.1", port)) {
                    System.out.printf("redis-server %s on port %d (pid %d), no persistence: PING %s%n",
                            j.info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("?"),
                            port, process.pid(), j.ping());
                    return;
                } catch (RuntimeException notYet) {
                    Thread.sleep(100);
                }
            }
            close();
            throw new IllegalStateException("redis-server did not answer; its log: " + Files.readString(dir.resolve("redis.log")));
        }

        int port() {
            return port;
        }

        /** redis-server's CPU time so far (user + system), in nanoseconds. */
        long cpu() throws IOException {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1_000_000_000L / USER_HZ;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
