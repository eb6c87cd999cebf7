package io.tocsin.bench;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A poor man's profiler: every {@value #SAMPLE_MS} ms the watched threads' stacks (safepoint-biased, so a rough
 * picture): the share of samples each method is on the stack (inclusive) and on top (self), the share of a few named
 * steps, and the threads' states.
 */
final class StackSampler {

    static final long SAMPLE_MS = 20;
    static final String THREAD_NAME = "bench-sampler";
    private final String name;
    private final List<String> markers;
    private final Set<Thread> watched = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> inclusive = new ConcurrentHashMap<>();
    private final Map<String, Long> self = new ConcurrentHashMap<>();
    private final Map<Thread.State, Long> states = new EnumMap<>(Thread.State.class);
    private final AtomicLong samples = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    private StackSampler(String name, List<String> markers) {
        this.name = name;
        this.markers = markers;
    }

    /** Starts sampling {@code threads}; more can be added with {@link #watch}. {@code markers}: "Class.method" to report. */
    static StackSampler start(String name, List<String> markers, List<Thread> threads) {
        StackSampler s = new StackSampler(name, markers);
        s.watched.addAll(threads);
        s.thread = new Thread(s::loop, THREAD_NAME);
        s.thread.setDaemon(true);
        s.thread.start();
        return s;
    }

    void watch(Predicate<Thread> which) {
        Thread.getAllStackTraces().keySet().stream().filter(which).forEach(watched::add);
    }

    private void loop() {
        while (running) {
            for (Thread t : watched) {
                Thread.State state = t.getState();
                StackTraceElement[] stack = t.getStackTrace();
                if (stack.length == 0) {
                    continue;
                }
                samples.incrementAndGet();
                synchronized (states) {
                    states.merge(state, 1L, Long::sum);
                }
                self.merge(frame(stack[0]), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (StackTraceElement e : stack) {
                    String f = frame(e);
                    if (seen.add(f)) {
                        inclusive.merge(f, 1L, Long::sum);
                    }
                }
            }
            try {
                Thread.sleep(SAMPLE_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String frame(StackTraceElement e) {
        return e.getClassName() + "." + e.getMethodName();
    }

    /** The CPU time the sampling thread itself has used so far, in nanoseconds. */
    long ownCpu() {
        return BenchSupport.threadCpu(thread);
    }

    void stop() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The share of samples in which {@code method} ("Class.method") was on the stack. */
    double share(String method) {
        return (double) inclusive.getOrDefault(method, 0L) / Math.max(1, samples.get());
    }

    void print(PrintStream out) {
        long n = Math.max(1, samples.get());
        out.printf("  %s stack samples: %,d (every %d ms)%n", name, samples.get(), SAMPLE_MS);
        synchronized (states) {
            out.println("  thread states: " + states.entrySet().stream()
                    .map(e -> String.format("%s %.1f%%", e.getKey(), 100.0 * e.getValue() / n)).toList());
        }
        out.println("  on the stack (inclusive), Tocsin / Kafka Streams / RocksDB / Jackson / consumer methods:");
        top(inclusive, 30, f -> f.startsWith("io.tocsin.") && !f.startsWith("io.tocsin.bench.")
                || f.startsWith("org.apache.kafka.streams.") || f.startsWith("org.rocksdb.")
                || f.startsWith("com.fasterxml.jackson.databind.ObjectMapper") || f.startsWith("org.apache.kafka.clients.consumer.KafkaConsumer")
                || f.startsWith("org.apache.kafka.clients.producer.KafkaProducer"))
                .forEach(e -> out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / n, e.getKey()));
        out.println("  named steps (inclusive):");
        markers.forEach(f -> out.printf("    %5.1f%%  %s%n", 100.0 * inclusive.getOrDefault(f, 0L) / n, f));
        out.println("  on top (self):");
        top(self, 15, f -> true).forEach(e -> out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / n, e.getKey()));
    }

    private static List<Map.Entry<String, Long>> top(Map<String, Long> m, int k, Predicate<String> keep) {
        return m.entrySet().stream().filter(e -> keep.test(e.getKey()))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(k).toList();
    }
}
