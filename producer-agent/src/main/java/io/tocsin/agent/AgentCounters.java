package io.tocsin.agent;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the agent did and where it stands, for JMX (this is the MBean), its heartbeats and tests: occurrences
 * captured, events spooled, sent and replayed (sent after having waited for the broker), occurrences dropped, by
 * * reason ({@code queue-full}, {@code spool-full}, {@code spool-disk-failed}, {@code spool-corrupt}, {@code unreadable-throwable}), bytes
 * waiting in the spool and since when Kafka has been unreachable. Written by the agent's thread, read by any.
 */
public final class AgentCounters implements AgentMBean {

    final LongAdder captured = new LongAdder();
    final LongAdder spooled = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder aggregated = new LongAdder();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private volatile long spoolBytes;
    private volatile long unreachableSince;

    public void dropped(String reason) {
        dropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void spoolBytes(long bytes) {
        spoolBytes = bytes;
    }

    /** Kafka failed at {@code at} (epoch ms): the first failure of an outage is kept. */
    void unreachable(long at) {
        if (unreachableSince == 0) {
            unreachableSince = at;
        }
    }

    void reachable() {
        unreachableSince = 0;
    }

    /** Epoch ms of the first failure of the current outage; 0 while Kafka answers. */
    public long unreachableSince() {
        return unreachableSince;
    }

    @Override
    public long getCaptured() {
        return captured.sum();
    }

    @Override
    public long getSpooled() {
        return spooled.sum();
    }

    @Override
    public long getSent() {
        return sent.sum();
    }

    @Override
    public long getReplayed() {
        return replayed.sum();
    }

    /** Occurrences folded into another event's {@code count} by storm control. */
    @Override
    public long getAggregated() {
        return aggregated.sum();
    }

    @Override
    public long getDroppedTotal() {
        return dropped.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public Map<String, Long> getDroppedByReason() {
        Map<String, Long> out = new TreeMap<>();
        dropped.forEach((k, v) -> out.put(k, v.sum()));
        return out;
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

    /** All counters as one flat map (heartbeats carry it). */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        out.put("captured", getCaptured());
        out.put("spooled", getSpooled());
        out.put("sent", getSent());
        out.put("replayed", getReplayed());
        out.put("aggregated", getAggregated());
        getDroppedByReason().forEach((k, v) -> out.put("dropped." + k, v));
        return out;
    }
}
