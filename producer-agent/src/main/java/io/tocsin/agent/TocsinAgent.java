package io.tocsin.agent;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * The producer agent. The caller's thread only ever offers a captured throwable to a bounded lock-free queue;
 * everything else happens on the agent's single daemon thread ({@link AgentLoop}): storm control, building and
 * encoding the event and appending it to the spool ({@link CaptureIntake}), sending from the spool and forgetting
 * what Kafka acknowledged ({@link SpoolSender}), heartbeats ({@link HeartbeatSender}), and every Kafka call,
 * construction included, which throws on an unresolvable host ({@link KafkaLink}). So a broker that is down, refuses,
 * never answers or does not resolve can neither block nor break the host, and what was captured meanwhile is sent
 * once it is back, from the spool, in order, even after a restart.
 */
public final class TocsinAgent implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TocsinAgent.class.getName());
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final AtomicReference<TocsinAgent> INSTALLED = new AtomicReference<>();

    /** A throwable as the caller handed it over. */
    record Captured(Throwable throwable, Capture capture, long at) {
    }

    private final AgentConfig config;
    private final BoundedQueue<Captured> queue;
    private final Overflow overflow = new Overflow(256);
    private final List<Runnable> everySecond = new CopyOnWriteArrayList<>();
    private final AgentCounters counters = new AgentCounters();
    private final Map<String, DoubleSupplier> loadFigures = new ConcurrentHashMap<>();
    private final Thread worker;
    private volatile boolean running = true;

    private TocsinAgent(AgentConfig config) {
        this.config = config;
        this.queue = new BoundedQueue<>(config.queueCapacity());
        this.worker = new Thread(new AgentLoop(config, queue, overflow, everySecond, loadFigures, counters, () -> running, CLOSE_WAIT),
                "tocsin-agent");
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

    /** What the agent did; also on JMX as {@code io.tocsin:type=Agent,service=<service>,instance=<instance>}. */
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

    private ObjectName objectName() throws Exception {
        return new ObjectName("io.tocsin:type=Agent,service=" + ObjectName.quote(config.service()) + ",instance="
                + ObjectName.quote(config.instance()));
    }

    private void registerMBean() {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new StandardMBean(counters, AgentMBean.class), objectName());
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
}
