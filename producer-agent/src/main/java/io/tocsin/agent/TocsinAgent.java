package io.tocsin.agent;

import io.tocsin.agent.spool.DiskSpool;
import io.tocsin.agent.spool.MemorySpool;
import io.tocsin.agent.spool.Spool;
import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Keys;
import io.tocsin.model.Topics;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The producer agent. The caller's thread only ever offers a captured throwable to a bounded lock-free queue;
 * everything else happens on the agent's single daemon thread: storm control, building and encoding the event,
 * appending it to the spool (disk, synced every fsync interval), sending from the spool and forgetting what Kafka
 * acknowledged, heartbeats, and every Kafka call (construction included, which throws on an unresolvable host). So a
 * broker that is down, refuses, never answers or does not resolve can neither block nor break the host, and what was
 * captured meanwhile is sent once it is back, from the spool, in order, even after a restart. Heartbeats are never
 * spooled: a stale heartbeat is worthless.
 */
public final class TocsinAgent implements AutoCloseable, AgentMBean {

    private static final Logger LOG = Logger.getLogger(TocsinAgent.class.getName());
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int MAX_IN_FLIGHT = 500;
    private static final AtomicReference<TocsinAgent> INSTALLED = new AtomicReference<>();

    private record Captured(Throwable throwable, Capture capture, long at) {
    }

    private record Completion(Spool.Entry entry, Exception error) {
    }

    private final AgentConfig config;
    private final BoundedQueue<Captured> queue;
    private final Overflow overflow = new Overflow(256);
    private final List<Runnable> everySecond = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AgentCounters counters = new AgentCounters();
    private final Map<String, DoubleSupplier> loadFigures = new ConcurrentHashMap<>();
    private final Thread worker;
    private volatile boolean running = true;
    private volatile long unreachableSince;
    private volatile long spoolBytes;

    private TocsinAgent(AgentConfig config) {
        this.config = config;
        this.queue = new BoundedQueue<>(config.queueCapacity());
        this.worker = new Thread(new Worker(), "tocsin-agent");
        this.worker.setDaemon(true);
    }

    public static TocsinAgent start(AgentConfig config) {
        TocsinAgent agent = new TocsinAgent(config);
        agent.worker.start();
        agent.registerMBean();
        return agent;
    }

    /**
     * Makes this agent the one the logging integrations report to (the {@code -javaagent} entry does this). The single
     * piece of static state in the agent: appenders are created by logging frameworks, not by us.
     */
    public TocsinAgent install() {
        INSTALLED.set(this);
        return this;
    }

    /** The installed agent, if any. */
    public static TocsinAgent installed() {
        return INSTALLED.get();
    }

    public AgentConfig config() {
        return config;
    }

    public AgentCounters counters() {
        return counters;
    }

    public void capture(Throwable throwable) {
        capture(throwable, Capture.NONE);
    }

    /** Offers the throwable for sending; returns at once, whatever the state of Kafka. */
    public void capture(Throwable throwable, Capture capture) {
        try {
            if (throwable == null || !running) {
                return;
            }
            counters.captured.increment();
            Capture c = capture == null ? Capture.NONE : capture;
            long now = System.currentTimeMillis();
            if (queue.offer(new Captured(throwable, c, now))) {
                LockSupport.unpark(worker);
            } else if (!overflow.spill(throwable, c, now)) {
                counters.dropped("queue-full");
            }
        } catch (Throwable ignored) {
            // the host comes first: reporting must never fail the caller
        }
    }

    /** Runs a small task on the agent's thread about once a second (exceptions are swallowed). */
    public void everySecond(Runnable task) {
        everySecond.add(task);
    }

    /** A load figure sent with every heartbeat (e.g. open WebSocket sessions); the first registered orders instances. */
    public void loadFigure(String name, DoubleSupplier value) {
        loadFigures.put(name, value);
    }

    /** Stops within about 2 s: flushes what it can, sends STOPPING; the rest stays spooled on disk for the next start. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(worker);
        try {
            worker.join(CLOSE_WAIT.toMillis() + 500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        INSTALLED.compareAndSet(this, null);
        unregisterMBean();
    }

    // JMX

    @Override
    public long getCaptured() {
        return counters.captured();
    }

    @Override
    public long getSpooled() {
        return counters.spooled();
    }

    @Override
    public long getSent() {
        return counters.sent();
    }

    @Override
    public long getReplayed() {
        return counters.replayed();
    }

    @Override
    public long getAggregated() {
        return counters.aggregated();
    }

    @Override
    public long getDroppedTotal() {
        return counters.droppedTotal();
    }

    @Override
    public Map<String, Long> getDroppedByReason() {
        return counters.droppedByReason();
    }

    @Override
    public long getSpoolBytes() {
        return spoolBytes;
    }

    @Override
    public boolean isKafkaReachable() {
        return unreachableSince == 0;
    }

    @Override
    public long getUnreachableForMillis() {
        long since = unreachableSince;
        return since == 0 ? 0 : System.currentTimeMillis() - since;
    }

    private ObjectName objectName() throws Exception {
        return new ObjectName("io.tocsin:type=Agent,service=" + ObjectName.quote(config.service()) + ",instance="
                + ObjectName.quote(config.instance()));
    }

    private void registerMBean() {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, objectName());
        } catch (Exception | LinkageError e) {
            LOG.log(Level.FINE, "tocsin agent counters not on JMX", e);
        }
    }

    private void unregisterMBean() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(objectName());
        } catch (Exception | LinkageError ignored) {
            // not registered
        }
    }

    /** The agent's own thread: storm control, spool, sending, heartbeats; owns the Kafka producer. */
    private final class Worker implements Runnable {
        private final EventFactory events = new EventFactory(config);
        private final EventCodec codec = new EventCodec();
        private final Topics topics = new Topics(config.topicPrefix());
        private final StormControl storm = new StormControl(config.stormBurst(), config.stormWindow().toMillis(), 256, counters);
        private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
        private final UnreachableWarning warning = new UnreachableWarning(config, LOG);
        private Spool spool;
        private Producer<String, byte[]> producer;
        private int inFlight;
        private long nextHeartbeat;
        private long nextProducerAttempt;
        private long nextSendAttempt;
        private long lastSync;
        private long lastChores;
        private int sendFailures;
        private boolean backlog;

        @Override
        public void run() {
            try {
                spool = openSpool();
                while (running) {
                    long now = System.currentTimeMillis();
                    boolean worked = drainCaptures(now);
                    flushStorm(now);
                    choresIfDue(now);
                    syncIfDue(now);
                    worked |= sendFromSpool(now);
                    heartbeatIfDue(now);
                    warning.check(unreachableSince, now);
                    spoolBytes = spool.bytes();
                    if (!worked) {
                        LockSupport.parkNanos(IDLE_PARK_NS);
                    }
                }
                shutdown();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "tocsin agent stopped reporting", t);
            } finally {
                if (producer != null) {
                    producer.close(Duration.ofMillis(300));
                }
                if (spool != null) {
                    spool.close();
                }
            }
        }

        private void choresIfDue(long now) {
            if (now - lastChores < 1000) {
                return;
            }
            lastChores = now;
            for (Runnable task : everySecond) {
                try {
                    task.run();
                } catch (RuntimeException ignored) {
                    // a chore must not stop the agent
                }
            }
        }

        private Spool openSpool() {
            try {
                return new DiskSpool(config.spoolDir(), config.spoolMaxBytes(), counters);
            } catch (UncheckedIOException e) {
                counters.dropped("spool-disk-failed");
                LOG.warning("tocsin agent: spool directory unusable, keeping events in memory only: " + e.getMessage());
                return new MemorySpool(config.memorySpoolMaxBytes(), counters);
            }
        }

        private boolean drainCaptures(long now) {
            boolean any = false;
            for (Overflow.Spill s : overflow.drain()) {
                any = true;
                counters.aggregated.add(s.count());
                spoolAll(List.of(new StormControl.Occurrence(s.example(), s.capture(), s.at(), s.count())));
            }
            for (int i = 0; i < 1000; i++) {
                Captured c = queue.poll();
                if (c == null) {
                    break;
                }
                any = true;
                spoolAll(storm.offer(c.throwable(), c.capture(), c.at()));
            }
            return any;
        }

        private void spoolAll(List<StormControl.Occurrence> occurrences) {
            for (StormControl.Occurrence o : occurrences) {
                byte[] json = codec.write(events.exception(o.throwable(), o.capture(), o.at(), o.count()));
                append(json);
            }
        }

        /** A disk that fails (full, read-only) degrades the spool to memory: counted, never a crash. */
        private void append(byte[] json) {
            try {
                if (spool.append(json)) {
                    counters.spooled.increment();
                }
            } catch (UncheckedIOException e) {
                degradeToMemory(e);
                if (spool.append(json)) {
                    counters.spooled.increment();
                }
            }
        }

        private void degradeToMemory(UncheckedIOException e) {
            counters.dropped("spool-disk-failed");
            LOG.warning("tocsin agent: spool disk failed, keeping events in memory only: " + e.getMessage());
            Spool failed = spool;
            spool = new MemorySpool(config.memorySpoolMaxBytes(), counters);
            completions.clear();
            inFlight = 0;
            try {
                failed.close();
            } catch (RuntimeException ignored) {
                // already failing
            }
        }

        /**
         * Folded counts leave memory when their window ends and are synced at once, so a kill -9 loses at most one
         * window (no longer than the default fsync interval) of them.
         */
        private void flushStorm(long now) {
            List<StormControl.Occurrence> folded = storm.flush(now, false);
            if (!folded.isEmpty()) {
                spoolAll(folded);
                lastSync = now;
                try {
                    spool.sync();
                } catch (UncheckedIOException e) {
                    degradeToMemory(e);
                }
            }
        }

        private void syncIfDue(long now) {
            if (now - lastSync >= config.fsyncInterval().toMillis()) {
                lastSync = now;
                try {
                    spool.sync();
                } catch (UncheckedIOException e) {
                    degradeToMemory(e);
                }
            }
        }

        private boolean sendFromSpool(long now) {
            boolean worked = handleCompletions(now);
            if (now < nextSendAttempt || inFlight >= MAX_IN_FLIGHT) {
                return worked;
            }
            Producer<String, byte[]> p = producer(now);
            if (p == null) {
                return worked;
            }
            List<Spool.Entry> batch;
            try {
                batch = spool.next(MAX_IN_FLIGHT - inFlight);
            } catch (UncheckedIOException e) {
                degradeToMemory(e);
                return worked;
            }
            for (Spool.Entry e : batch) {
                boolean[] failedAtOnce = {false};
                try {
                    p.send(new ProducerRecord<>(topics.errors(), key(), e.event()), (meta, error) -> {
                        completions.add(new Completion(e, error));
                        // Kafka reports a metadata timeout through the callback, on this thread, after max.block.ms
                        failedAtOnce[0] |= error != null && Thread.currentThread() == worker;
                    });
                    inFlight++;
                } catch (RuntimeException ex) {
                    failedAtOnce[0] = true;
                    spool.retry(e);
                }
                if (failedAtOnce[0]) {
                    // the broker is unreachable: stop instead of blocking on each of the rest; retrying this entry
                    // (here or when its completion is handled) hands it and everything after it out again later
                    failed(System.currentTimeMillis());
                    break;
                }
            }
            return worked || !batch.isEmpty();
        }

        private boolean handleCompletions(long now) {
            boolean any = false;
            for (Completion c; (c = completions.poll()) != null; ) {
                any = true;
                inFlight--;
                if (c.error() == null) {
                    spool.acknowledge(c.entry());
                    counters.sent.increment();
                    if (backlog) {
                        counters.replayed.increment();
                    }
                    reachable(now);
                } else {
                    spool.retry(c.entry());
                    failed(now);
                }
            }
            if (backlog && inFlight == 0 && spool.bytes() == 0) {
                backlog = false;
            }
            return any;
        }

        private void failed(long now) {
            backlog = true;
            if (unreachableSince == 0) {
                unreachableSince = now;
            }
            sendFailures++;
            nextSendAttempt = now + Math.min(2000, 100L << Math.min(sendFailures, 5));
        }

        private void reachable(long now) {
            if (unreachableSince != 0) {
                warning.recovered(unreachableSince, now);
            }
            unreachableSince = 0;
            sendFailures = 0;
        }

        private void heartbeatIfDue(long now) {
            if (now < nextHeartbeat) {
                return;
            }
            nextHeartbeat = now + config.heartbeatInterval().toMillis();
            Producer<String, byte[]> p = producer(now);
            if (p == null || unreachableSince != 0) {
                return;
            }
            sendHeartbeat(p, HeartbeatEvent.Status.UP, now);
        }

        private void sendHeartbeat(Producer<String, byte[]> p, HeartbeatEvent.Status status, long now) {
            boolean[] failedAtOnce = {false};
            try {
                p.send(new ProducerRecord<>(topics.heartbeats(), key(),
                        codec.write(events.heartbeat(status, load(), counters.snapshot(), now))),
                        (meta, error) -> failedAtOnce[0] |= error != null && Thread.currentThread() == worker);
            } catch (RuntimeException e) {
                failedAtOnce[0] = true;
            }
            if (failedAtOnce[0]) {
                failed(System.currentTimeMillis());
            }
        }

        /** Clean shutdown, bounded: spool what is left, give sending a short while, say STOPPING. */
        private void shutdown() {
            long deadline = System.currentTimeMillis() + CLOSE_WAIT.toMillis() - 400;
            drainCaptures(System.currentTimeMillis());
            spoolAll(storm.flush(System.currentTimeMillis(), true));
            spool.sync();
            while (System.currentTimeMillis() < deadline && unreachableSince == 0 && producer != null
                    && (inFlight > 0 || spool.bytes() > 0)) {
                sendFromSpool(System.currentTimeMillis());
                LockSupport.parkNanos(IDLE_PARK_NS);
            }
            if (producer != null && unreachableSince == 0) {
                sendHeartbeat(producer, HeartbeatEvent.Status.STOPPING, System.currentTimeMillis());
                producer.flush();
            }
        }

        private Map<String, Double> load() {
            Map<String, Double> out = new LinkedHashMap<>();
            loadFigures.forEach((name, supplier) -> {
                try {
                    out.put(name, supplier.getAsDouble());
                } catch (RuntimeException ignored) {
                    // a broken figure is left out, the heartbeat still goes
                }
            });
            return out;
        }

        private String key() {
            return Keys.of(config.service(), config.instance());
        }

        /** Built lazily here, retried at most once a second: the constructor throws on an unresolvable host. */
        private Producer<String, byte[]> producer(long now) {
            if (producer == null && now >= nextProducerAttempt) {
                nextProducerAttempt = now + 1000;
                try {
                    producer = new KafkaProducer<>(ProducerSettings.agent(config));
                } catch (RuntimeException e) {
                    failed(now);
                }
            }
            return producer;
        }
    }
}
