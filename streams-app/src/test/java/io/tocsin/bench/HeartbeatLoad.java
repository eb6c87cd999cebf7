package io.tocsin.bench;

import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Keys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A fleet heartbeating as {@code HeartbeatEvent} JSON on the heartbeat topic, keyed {@code service/instance}, through
 * one batching producer (linger 20 ms, 256 KiB batches, lz4, acks=all, idempotent), paced so that each of
 * {@code instances} instances beats once per interval, spread evenly over it (instance {@code i} of service
 * {@code i % services}). Scripted deaths: from {@code firstDeathMs} to {@code lastDeathMs} after the start, every
 * {@code deathEveryMs}, victim {@code k} (instance {@code k}, the only victim of service {@code k % services} while
 * there are fewer victims than services) stops beating. When the producer cannot keep the pace, beats go out late,
 * as fast as it can send; how late is reported.
 *
 * <p>Runs in the benchmark's JVM ({@link #start}) or in a JVM of its own ({@link #fork}, {@link #main}): the child
 * prints {@code STAT}, {@code DEATH} and, at the end, {@code LASTACK} lines the parent reads.
 */
final class HeartbeatLoad {

    /** What to send. Times in milliseconds from the start; {@code deathEveryMs} 0 for no deaths. */
    record Plan(String bootstrapServers, String topic, int instances, int services, long intervalMs, long durationMs,
                long firstDeathMs, long deathEveryMs, long lastDeathMs) {

        double offeredPerSecond() {
            return instances * 1000.0 / intervalMs;
        }

        String[] args() {
            return new String[] {bootstrapServers, topic, String.valueOf(instances), String.valueOf(services), String.valueOf(intervalMs),
                String.valueOf(durationMs), String.valueOf(firstDeathMs), String.valueOf(deathEveryMs), String.valueOf(lastDeathMs)};
        }

        static Plan of(String[] a) {
            return new Plan(a[0], a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Long.parseLong(a[4]), Long.parseLong(a[5]),
                    Long.parseLong(a[6]), Long.parseLong(a[7]), Long.parseLong(a[8]));
        }
    }

    /** A victim: instance {@code index} stopped beating at {@code atMs} (epoch). */
    record Death(int index, String key, long atMs) {
    }

    /** The load's progress as the benchmark sees it, wherever the load runs. */
    interface View extends AutoCloseable {
        long sent();

        long acked();

        long failed();

        /** How late the latest beat went out against its schedule, in ms (0 when on time). */
        long lateMs();

        /** The latest beat's lateness at its worst so far. */
        long maxLateMs();

        List<Death> deaths();

        /** When the broker acknowledged instance {@code index}'s latest heartbeat (epoch ms), 0 if never; final once {@link #awaitEnd} returned. */
        long lastAck(int index);

        /** Epoch ms the load started at (its schedule's zero). */
        long startedAtMs();

        boolean ended();

        void awaitEnd() throws InterruptedException;

        /**
         * The CPU the load used, ns: in a JVM of its own, that whole JVM's; in process, its sending thread's and its
         * producer's network thread's (final once {@link #awaitEnd} returned).
         */
        long ownCpu();

        @Override
        void close();
    }

    static String service(int index, int services) {
        return String.format("svc-%04d", index % services);
    }

    static String instance(int index) {
        return String.format("inst-%06d", index);
    }

    static String key(int index, int services) {
        return Keys.of(service(index, services), instance(index));
    }

    private final Plan plan;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile long lateMs;
    private volatile long maxLateMs;
    private volatile long startedAtMs;
    private volatile boolean ended;
    private final AtomicLongArray lastAck;
    private final List<Death> deaths = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile RuntimeException failure;
    private volatile long ownCpu;

    private HeartbeatLoad(Plan plan) {
        this.plan = plan;
        this.lastAck = new AtomicLongArray(plan.instances());
        this.thread = new Thread(this::run, "bench-heartbeat-load");
        this.thread.setDaemon(true);
    }

    /** Starts the load on a thread of this JVM. */
    static View start(Plan plan) {
        HeartbeatLoad load = new HeartbeatLoad(plan);
        load.thread.start();
        while (load.startedAtMs == 0 && load.thread.isAlive()) {
            LockSupport.parkNanos(1_000_000);
        }
        return load.view();
    }

    private View view() {
        return new View() {
            public long sent() {
                return sent.get();
            }

            public long acked() {
                return acked.get();
            }

            public long failed() {
                return failed.get();
            }

            public long lateMs() {
                return lateMs;
            }

            public long maxLateMs() {
                return maxLateMs;
            }

            public List<Death> deaths() {
                return List.copyOf(deaths);
            }

            public long lastAck(int index) {
                return lastAck.get(index);
            }

            public long startedAtMs() {
                return startedAtMs;
            }

            public boolean ended() {
                return ended;
            }

            public void awaitEnd() throws InterruptedException {
                thread.join();
                if (failure != null) {
                    throw failure;
                }
            }

            public long ownCpu() {
                return ownCpu;
            }

            public void close() {
                thread.interrupt();
            }
        };
    }

    private void run() {
        Properties p = new Properties();
        p.put("bootstrap.servers", plan.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-heartbeats");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        EventCodec codec = new EventCodec();
        boolean[] dead = new boolean[plan.instances()];
        String[] services = new String[plan.instances()];
        String[] instances = new String[plan.instances()];
        String[] keys = new String[plan.instances()];
        for (int i = 0; i < plan.instances(); i++) {
            services[i] = service(i, plan.services());
            instances[i] = instance(i);
            keys[i] = Keys.of(services[i], instances[i]);
        }
        double nsPerBeat = plan.intervalMs() * 1e6 / plan.instances();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(plan.topic()); // metadata before the clock starts
            long start = System.nanoTime();
            startedAtMs = System.currentTimeMillis();
            long durationNs = TimeUnit.MILLISECONDS.toNanos(plan.durationMs());
            long n = 0;
            int victims = 0;
            while (!Thread.currentThread().isInterrupted()) {
                long elapsed = System.nanoTime() - start;
                if (elapsed >= durationNs) {
                    break;
                }
                long elapsedMs = elapsed / 1_000_000;
                if (plan.deathEveryMs() > 0 && victims < plan.instances()) {
                    long nextDeath = plan.firstDeathMs() + victims * plan.deathEveryMs();
                    if (nextDeath <= plan.lastDeathMs() && elapsedMs >= nextDeath) {
                        dead[victims] = true;
                        deaths.add(new Death(victims, keys[victims], System.currentTimeMillis()));
                        victims++;
                    }
                }
                long due = (long) (elapsed / nsPerBeat) + 1;
                while (n < due) {
                    int i = (int) (n % plan.instances());
                    n++;
                    if (dead[i]) {
                        continue;
                    }
                    HeartbeatEvent beat = new HeartbeatEvent(HeartbeatEvent.TYPE, EventCodec.VERSION, Instant.now(), services[i], instances[i],
                            "prod", null, plan.intervalMs(), HeartbeatEvent.Status.UP, Map.of());
                    producer.send(new ProducerRecord<>(plan.topic(), keys[i], codec.write(beat)), (md, e) -> {
                        if (e == null) {
                            lastAck.set(i, System.currentTimeMillis());
                            acked.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    });
                    sent.incrementAndGet();
                }
                long late = Math.max(0, (System.nanoTime() - start - (long) ((n - 1) * nsPerBeat)) / 1_000_000);
                lateMs = late;
                maxLateMs = Math.max(maxLateMs, late);
                LockSupport.parkNanos(1_000_000);
            }
            producer.flush();
            ownCpu = BenchSupport.threadCpu(Thread.currentThread()) + Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("kafka-producer-network-thread | bench-heartbeats")).mapToLong(BenchSupport::threadCpu).sum();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            ended = true;
        }
    }

    // ---------------------------------------------------------------------------------------------------- a JVM of its own

    /** Starts the load in a child JVM on this JVM's classpath; its stderr goes to {@code log}. */
    static View fork(Plan plan, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                HeartbeatLoad.class.getName()));
        command.addAll(List.of(plan.args()));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        Forked view = new Forked(plan, process);
        view.reader.start();
        while (view.startedAtMs == 0 && !view.ended) {
            LockSupport.parkNanos(1_000_000);
        }
        if (view.startedAtMs == 0) {
            throw new IllegalStateException("the heartbeat producer JVM ended before starting (see " + log + ")");
        }
        return view;
    }

    private static final class Forked implements View {
        private final Process process;
        private final AtomicLongArray lastAck;
        private final List<Death> deaths = new CopyOnWriteArrayList<>();
        private final Thread reader;
        private volatile long sent;
        private volatile long acked;
        private volatile long failed;
        private volatile long late;
        private volatile long maxLate;
        private volatile long cpu = -1;
        private volatile long startedAtMs;
        private volatile boolean ended;

        Forked(Plan plan, Process process) {
            this.process = process;
            this.lastAck = new AtomicLongArray(plan.instances());
            this.reader = new Thread(this::read, "bench-heartbeat-load-reader");
            this.reader.setDaemon(true);
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    String[] f = line.split(" ");
                    switch (f[0]) {
                        case "START" -> startedAtMs = Long.parseLong(f[1]);
                        case "STAT" -> {
                            sent = Long.parseLong(f[1]);
                            acked = Long.parseLong(f[2]);
                            failed = Long.parseLong(f[3]);
                            late = Long.parseLong(f[4]);
                            maxLate = Long.parseLong(f[5]);
                            cpu = Long.parseLong(f[6]);
                        }
                        case "DEATH" -> deaths.add(new Death(Integer.parseInt(f[1]), f[2], Long.parseLong(f[3])));
                        case "LASTACK" -> lastAck.set(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                        default -> System.err.println("heartbeat producer: " + line);
                    }
                }
            } catch (IOException e) {
                System.err.println("heartbeat producer output: " + e);
            } finally {
                ended = true;
            }
        }

        public long sent() {
            return sent;
        }

        public long acked() {
            return acked;
        }

        public long failed() {
            return failed;
        }

        public long lateMs() {
            return late;
        }

        public long maxLateMs() {
            return maxLate;
        }

        public List<Death> deaths() {
            return List.copyOf(deaths);
        }

        public long lastAck(int index) {
            return lastAck.get(index);
        }

        public long startedAtMs() {
            return startedAtMs;
        }

        public boolean ended() {
            return ended;
        }

        public void awaitEnd() throws InterruptedException {
            reader.join();
            int code = process.waitFor();
            if (code != 0) {
                throw new IllegalStateException("the heartbeat producer JVM exited with " + code);
            }
        }

        public long ownCpu() {
            return cpu;
        }

        public void close() {
            process.destroy();
        }
    }

    /** The child JVM: runs the load, reports every 500 ms, and the victims' last acknowledged heartbeats at the end. */
    public static void main(String[] args) throws Exception {
        Plan plan = Plan.of(args);
        View load = start(plan);
        System.out.println("START " + load.startedAtMs());
        int reported = 0;
        while (!load.ended()) {
            Thread.sleep(500);
            List<Death> deaths = load.deaths();
            for (; reported < deaths.size(); reported++) {
                Death d = deaths.get(reported);
                System.out.println("DEATH " + d.index() + " " + d.key() + " " + d.atMs());
            }
            stat(load);
        }
        load.awaitEnd();
        for (Death d : load.deaths().subList(reported, load.deaths().size())) {
            System.out.println("DEATH " + d.index() + " " + d.key() + " " + d.atMs());
        }
        for (Death d : load.deaths()) {
            System.out.println("LASTACK " + d.index() + " " + load.lastAck(d.index()));
        }
        stat(load);
        System.out.flush();
        System.exit(0);
    }

    private static void stat(View load) {
        System.out.println("STAT " + load.sent() + " " + load.acked() + " " + load.failed() + " " + load.lateMs() + " " + load.maxLateMs()
                + " " + BenchSupport.processCpu());
    }
}
