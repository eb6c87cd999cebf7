package io.tocsin.agent;

import io.tocsin.agent.spool.FallbackSpool;
import io.tocsin.agent.spool.Spool;
import io.tocsin.model.EventCodec;
import io.tocsin.model.Keys;
import io.tocsin.model.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's own thread: each round takes captures into the spool, runs the once-a-second chores, sends from the
 * spool, heartbeats when due and warns when Kafka has been away long; it parks briefly when there was nothing to do.
 * Owns the spool and the Kafka link; everything it calls is bounded, and nothing it does can reach the host.
 */
final class AgentLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(TocsinAgent.class.getName());
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final AgentConfig config;
    private final BoundedQueue<TocsinAgent.Captured> queue;
    private final Overflow overflow;
    private final List<Runnable> everySecond;
    private final Map<String, DoubleSupplier> loadFigures;
    private final AgentCounters counters;
    private final BooleanSupplier running;
    private final Duration closeWait;
    private long lastChores;

    AgentLoop(AgentConfig config, BoundedQueue<TocsinAgent.Captured> queue, Overflow overflow, List<Runnable> everySecond,
              Map<String, DoubleSupplier> loadFigures, AgentCounters counters, BooleanSupplier running, Duration closeWait) {
        this.config = config;
        this.queue = queue;
        this.overflow = overflow;
        this.everySecond = everySecond;
        this.loadFigures = loadFigures;
        this.counters = counters;
        this.running = running;
        this.closeWait = closeWait;
    }

    @Override
    public void run() {
        Spool spool = null;
        KafkaLink link = new KafkaLink(config, counters, new UnreachableWarning(config, LOG), Thread.currentThread());
        try {
            spool = FallbackSpool.open(config.spoolDir(), config.spoolMaxBytes(), config.memorySpoolMaxBytes(), counters, LOG);
            EventCodec codec = new EventCodec();
            EventFactory events = new EventFactory(config);
            Topics topics = new Topics(config.topicPrefix());
            String key = Keys.of(config.service(), config.instance());
            CaptureIntake intake = new CaptureIntake(config, queue, overflow, events, codec, spool, counters);
            SpoolSender sender = new SpoolSender(spool, link, topics, key, counters);
            HeartbeatSender heartbeats = new HeartbeatSender(config, link, events, codec, topics, key, loadFigures, counters);
            while (running.getAsBoolean()) {
                long now = System.currentTimeMillis();
                boolean worked = intake.take(now);
                choresIfDue(now);
                worked |= sender.sendDue(now);
                heartbeats.beatIfDue(now);
                link.warnIfLongUnreachable(now);
                counters.spoolBytes(spool.bytes());
                if (!worked) {
                    LockSupport.parkNanos(IDLE_PARK_NS);
                }
            }
            shutdown(intake, sender, heartbeats, link);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "tocsin agent stopped reporting", t);
        } finally {
            link.close();
            if (spool != null) {
                spool.close();
            }
        }
    }

    /** Clean shutdown, bounded: spool what is left, give sending a short while, say STOPPING. */
    private void shutdown(CaptureIntake intake, SpoolSender sender, HeartbeatSender heartbeats, KafkaLink link) {
        long deadline = System.currentTimeMillis() + closeWait.toMillis() - 400;
        intake.takeAll(System.currentTimeMillis());
        while (System.currentTimeMillis() < deadline && link.reachable() && link.hasProducer() && !sender.idle()) {
            sender.sendDue(System.currentTimeMillis());
            LockSupport.parkNanos(IDLE_PARK_NS);
        }
        heartbeats.stopping(System.currentTimeMillis());
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
}
