package io.tocsin.agent;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the agent did, for JMX, its heartbeats and tests: occurrences captured, events spooled, sent and replayed
 * (sent after having waited for the broker), and occurrences dropped, by reason ({@code queue-full}, {@code spool-full},
 * {@code spool-disk-failed}, {@code storm-keys}).
 */
public final class AgentCounters {

    final LongAdder captured = new LongAdder();
    final LongAdder spooled = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder aggregated = new LongAdder();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();

    public long captured() {
        return captured.sum();
    }

    public long spooled() {
        return spooled.sum();
    }

    public long sent() {
        return sent.sum();
    }

    public long replayed() {
        return replayed.sum();
    }

    /** Occurrences folded into another event's {@code count} by storm control. */
    public long aggregated() {
        return aggregated.sum();
    }

    public void dropped(String reason) {
        dropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> droppedByReason() {
        Map<String, Long> out = new TreeMap<>();
        dropped.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** All counters as one flat map (heartbeats carry it). */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        out.put("captured", captured());
        out.put("spooled", spooled());
        out.put("sent", sent());
        out.put("replayed", replayed());
        out.put("aggregated", aggregated());
        droppedByReason().forEach((k, v) -> out.put("dropped." + k, v));
        return out;
    }
}
