package io.tocsin.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** What the embedded-broker benchmarks share: the machine's state, the heap, end offsets, temporary directories. */
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

    static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the OS cleans it up eventually
        }
    }
}
