package io.tocsin.agent;

import io.tocsin.agent.spool.Spool;
import io.tocsin.model.EventCodec;
import java.util.List;

/**
 * From captured throwables to spooled events, on the agent's thread: drains the capture queue and its overflow
 * counts, applies storm control, builds and encodes each event and appends it to the spool, which it syncs every
 * fsync interval (and at once when folded counts leave memory, so a kill -9 loses at most one storm window of them).
 */
final class CaptureIntake {

    /** Captures taken per round, so sending and heartbeats get their turn during a storm. */
    private static final int BATCH = 1000;

    private final BoundedQueue<TocsinAgent.Captured> queue;
    private final Overflow overflow;
    private final StormControl storm;
    private final EventFactory events;
    private final EventCodec codec;
    private final Spool spool;
    private final AgentCounters counters;
    private final long fsyncIntervalMs;
    private long lastSync;

    CaptureIntake(AgentConfig config, BoundedQueue<TocsinAgent.Captured> queue, Overflow overflow, EventFactory events,
                  EventCodec codec, Spool spool, AgentCounters counters) {
        this.queue = queue;
        this.overflow = overflow;
        this.storm = new StormControl(config.stormBurst(), config.stormWindow().toMillis(), 256, counters);
        this.events = events;
        this.codec = codec;
        this.spool = spool;
        this.counters = counters;
        this.fsyncIntervalMs = config.fsyncInterval().toMillis();
    }

    /** One round: new captures in, folded counts out when their window ended, a sync when due. True if anything came in. */
    boolean take(long now) {
        boolean any = drain();
        List<StormControl.Occurrence> folded = storm.flush(now, false);
        if (!folded.isEmpty()) {
            spoolAll(folded);
            sync(now);
        } else if (now - lastSync >= fsyncIntervalMs) {
            sync(now);
        }
        return any;
    }

    /** At shutdown: everything captured and folded goes to the spool, synced. */
    void takeAll(long now) {
        drain();
        spoolAll(storm.flush(now, true));
        sync(now);
    }

    private boolean drain() {
        boolean any = false;
        for (Overflow.Spill s : overflow.drain()) {
            any = true;
            counters.aggregated.add(s.count());
            spoolAll(List.of(new StormControl.Occurrence(s.example(), s.capture(), s.at(), s.count())));
        }
        for (int i = 0; i < BATCH; i++) {
            TocsinAgent.Captured c = queue.poll();
            if (c == null) {
                break;
            }
            any = true;
            try {
                spoolAll(storm.offer(c.throwable(), c.capture(), c.at()));
            } catch (RuntimeException | StackOverflowError | LinkageError e) {
                unreadable();
            }
        }
        return any;
    }

    private void spoolAll(List<StormControl.Occurrence> occurrences) {
        for (StormControl.Occurrence o : occurrences) {
            byte[] event;
            try {
                event = codec.write(events.exception(o.throwable(), o.capture(), o.at(), o.count()));
            } catch (RuntimeException | StackOverflowError | LinkageError e) {
                unreadable();
                continue;
            }
            if (spool.append(event)) {
                counters.spooled.increment();
            }
        }
    }

    /**
     * A throwable whose own methods throw (a {@code getStackTrace()} or {@code getCause()} override, a message that
     * recurses) is user code failing: that one occurrence is counted and dropped, everything else goes on.
     */
    private void unreadable() {
        counters.dropped("unreadable-throwable");
    }

    private void sync(long now) {
        lastSync = now;
        spool.sync();
    }
}
