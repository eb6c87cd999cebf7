package io.tocsin.bench;

import io.tocsin.config.AppConfig;
import io.tocsin.heartbeat.InputReadiness;
import io.tocsin.model.Topics;
import io.tocsin.topology.AlertTopology;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntPredicate;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * What one heartbeat check (a tick of the monitor's wall-clock punctuation) costs against how many instances are known
 * ({@code bench/heartbeat-tick.sh [SIZES]}, default 0,2000,20000,100000), in CPU time of the thread driving the
 * driver (which runs the punctuations itself). A tick under TopologyTestDriver also runs the other punctuations and
 * commits every store: size 0 gives that floor, to subtract. For each size, the real topology under
 * TopologyTestDriver (RocksDB stores in a temporary directory, default heartbeat settings: 10 s timeout, 250 ms check
 * interval, 1 s group wait):
 * <ol>
 * <li><b>load</b>: SIZE instances (services of 100 instances) beating every 3 s, spread evenly over the ticks, for
 * {@value #WARM_UP_ROUNDS} rounds of 3 s (the first registers them all);</li>
 * <li><b>healthy</b>: {@value #HEALTHY_ROUNDS} more rounds, every tick timed ({@code advanceWallClockTime} by the check
 * interval, nothing else inside the timing);</li>
 * <li><b>1% die</b>: one instance in a hundred stops beating, the rest go on; every tick timed for
 * {@value #DYING_ROUNDS} rounds (the timeout, the group wait and some), and the down alerts counted.</li>
 * </ol>
 * Heartbeats are fed between ticks and timed apart (µs per heartbeat: parse, repartition, monitor, registry output).
 * The driver's output topics are drained as it goes, so captured output does not pile up.
 */
public final class HeartbeatTickCost {

    private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
    private static final Duration TICK = Duration.ofMillis(250);
    private static final int TICKS_PER_ROUND = 12; // a 3 s heartbeat interval in 250 ms ticks
    private static final int WARM_UP_ROUNDS = 1;
    private static final int HEALTHY_ROUNDS = 4;
    private static final int DYING_ROUNDS = 4;
    private static final int PER_SERVICE = 100;
    /** CPU time of the driving thread, which runs the ticks itself: other work on a shared machine does not count. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private HeartbeatTickCost() {
    }

    public static void main(String[] args) throws IOException {
        int[] sizes = Arrays.stream((args.length == 0 ? "0,2000,20000,100000" : args[0]).split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        System.out.printf("load average %s%n", BenchSupport.load());
        System.out.printf("%9s %16s %16s %16s %16s %13s %8s%n", "instances", "healthy µs/tick", "healthy max µs",
                "1% dying µs/tick", "1% dying max µs", "µs/heartbeat", "alerts");
        System.out.println("(CPU time of the driving thread; alerts: while healthy/while 1% die)");
        try {
            for (int size : sizes) {
                BenchSupport.gc();
                System.out.println(new Run(size).measure());
            }
        } finally {
            BenchSupport.deleteTempDirs();
        }
        System.out.printf("load average %s%n", BenchSupport.load());
    }

    /** Tick timings of one phase. */
    private record Ticks(long count, long totalNanos, long maxNanos) {

        static final Ticks NONE = new Ticks(0, 0, 0);

        Ticks plus(long nanos) {
            return new Ticks(count + 1, totalNanos + nanos, Math.max(maxNanos, nanos));
        }

        double meanMicros() {
            return count == 0 ? 0 : totalNanos / 1000.0 / count;
        }
    }

    /** One size: a driver of its own, fed and ticked. */
    private static final class Run {

        private final int size;
        private final byte[][] beats;
        private Instant now = T0;
        private long beatCount;
        private long beatNanos;
        private long alerts;

        Run(int size) {
            this.size = size;
            this.beats = new byte[size][];
        }

        String measure() throws IOException {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tocsin-bench");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            Path state = BenchSupport.tempDir("tocsin-tick-");
            props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
            AppConfig config = AppConfig.fromMap(Map.of());
            Topics topics = new Topics(config.topicPrefix());
            try (TopologyTestDriver driver = new TopologyTestDriver(AlertTopology.build(config, InputReadiness.ALWAYS), props, T0)) {
                TestInputTopic<String, byte[]> in = driver.createInputTopic(topics.heartbeats(), new StringSerializer(),
                        new ByteArraySerializer());
                TestOutputTopic<String, byte[]> registry = driver.createOutputTopic(topics.instances(), new StringDeserializer(),
                        new ByteArrayDeserializer());
                TestOutputTopic<String, byte[]> alertTopic = driver.createOutputTopic(topics.alerts(), new StringDeserializer(),
                        new ByteArrayDeserializer());
                Runnable drain = () -> {
                    registry.readValuesToList();
                    alerts += alertTopic.readValuesToList().size();
                };
                IntPredicate all = i -> true;
                rounds(driver, in, drain, WARM_UP_ROUNDS, all);
                BenchSupport.gc();
                beatCount = 0;
                beatNanos = 0;
                alerts = 0;
                Ticks healthy = rounds(driver, in, drain, HEALTHY_ROUNDS, all);
                long healthyAlerts = alerts;
                Ticks dying = rounds(driver, in, drain, DYING_ROUNDS, i -> i % 100 != 0);
                return String.format("%,9d %16.0f %16.0f %16.0f %16.0f %13.1f %8s", size, healthy.meanMicros(),
                        healthy.maxNanos() / 1000.0, dying.meanMicros(), dying.maxNanos() / 1000.0,
                        beatNanos / 1000.0 / Math.max(1, beatCount), healthyAlerts + "/" + (alerts - healthyAlerts));
            }
        }

        /** Rounds of 3 s: each tick, the instances due this tick (of those still alive) beat, then the tick runs, timed. */
        private Ticks rounds(TopologyTestDriver driver, TestInputTopic<String, byte[]> in, Runnable drain, int rounds,
                             IntPredicate alive) {
            Ticks timed = Ticks.NONE;
            for (int r = 0; r < rounds; r++) {
                for (int t = 0; t < TICKS_PER_ROUND; t++) {
                    long start = THREADS.getCurrentThreadCpuTime();
                    for (int i = t; i < size; i += TICKS_PER_ROUND) {
                        if (alive.test(i)) {
                            in.pipeInput(null, beat(i), now);
                            beatCount++;
                        }
                    }
                    beatNanos += THREADS.getCurrentThreadCpuTime() - start;
                    drain.run();
                    start = THREADS.getCurrentThreadCpuTime();
                    driver.advanceWallClockTime(TICK);
                    timed = timed.plus(THREADS.getCurrentThreadCpuTime() - start);
                    now = now.plus(TICK);
                    drain.run();
                }
            }
            return timed;
        }

        /** Instance i's heartbeat; the timestamp field is not what the monitor goes by (record time is). */
        private byte[] beat(int i) {
            if (beats[i] == null) {
                String service = "svc-" + (i / PER_SERVICE);
                beats[i] = """
                        {"type":"heartbeat","version":1,"timestamp":"%s","service":"%s","instance":"%s-%d","environment":"prod",
                         "address":"10.0.0.5:8080","intervalMs":3000,"status":"UP","load":{"connections":12}}
                        """.formatted(T0, service, service, i).getBytes(StandardCharsets.UTF_8);
            }
            return beats[i];
        }
    }
}
