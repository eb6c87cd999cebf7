package io.tocsin.bench;

import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.TocsinAgent;
import io.tocsin.app.TopicProvisioner;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Two agent measurements that JMH does not cover, run as a plain program ({@code bench/agent-storm.sh}):
 * <ol>
 * <li>heap held during a 20 s storm of 10,000 exceptions/s (40 frames each) with the broker down, sampled after a
 * full GC every second, against the heap before the agent started;</li>
 * <li>spool replay: 20,000 distinct events (storm control off) spooled with the broker down, then the rate at which
 * they drain once the broker is up, beside the rate at which the agent spooled them.</li>
 * </ol>
 */
public final class AgentStormAndReplay {

    public static void main(String[] args) throws Exception {
        storm();
        replay();
    }

    private static void storm() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        int port = EmbeddedKafkaBroker.freePort();
        TocsinAgent agent = TocsinAgent.start(config("127.0.0.1:" + port, Files.createTempDirectory("tocsin-storm-"), Map.of()));
        long worst = 0;
        for (int second = 0; second < 20; second++) {
            long start = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                agent.capture(CaptureBenchmark.deep(40));
                long due = start + (i + 1) * 100_000L;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
            }
            System.gc();
            worst = Math.max(worst, memory.getHeapMemoryUsage().getUsed() - before);
        }
        System.out.printf("storm: 200,000 exceptions over 20 s with the broker down: captured %,d, spooled %,d events, "
                        + "folded %,d, dropped %,d; heap held above baseline at most %.1f MiB (agent caps: queue %d, memory spool %d MiB)%n",
                agent.counters().getCaptured(), agent.counters().getSpooled(), agent.counters().getAggregated(), agent.counters().getDroppedTotal(), worst / 1048576.0,
                agent.config().queueCapacity(), agent.config().memorySpoolMaxBytes() >> 20);
        agent.close();
    }

    private static void replay() throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        Path spool = Files.createTempDirectory("tocsin-replay-");
        int n = 20_000;
        TocsinAgent agent = TocsinAgent.start(config("127.0.0.1:" + port, spool, Map.of("storm.burst", "100000", "queue.capacity", "100000")));
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            agent.capture(new IllegalStateException("distinct " + i));
        }
        while (agent.counters().getSpooled() < n) {
            Thread.sleep(5);
        }
        double ingest = n / ((System.nanoTime() - t0) / 1e9);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start("127.0.0.1", port, null)) {
            TopicProvisioner.ensure(AppConfig.fromMap(Map.of("bootstrap.servers", broker.bootstrapServers())));
            while (agent.counters().getSent() == 0) {
                Thread.sleep(1);
            }
            long t1 = System.nanoTime();
            while (agent.counters().getSent() < n) {
                Thread.sleep(5);
            }
            double replay = (n - 1) / ((System.nanoTime() - t1) / 1e9);
            System.out.printf("replay: %,d events spooled at %,.0f events/s with the broker down; drained at %,.0f events/s once it was up (%.1fx)%n",
                    n, ingest, replay, replay / ingest);
        }
        agent.close();
    }

    private static AgentConfig config(String bootstrap, Path spool, Map<String, String> more) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("service", "bench", "environment", "bench",
                "bootstrap.servers", bootstrap, "spool.dir", spool.toString()));
        m.putAll(more);
        return AgentConfig.load(m, new Properties(), Map.of());
    }
}
