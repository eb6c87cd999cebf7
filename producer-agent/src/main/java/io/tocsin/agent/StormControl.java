package io.tocsin.agent;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Storm control at the source: per cheap key (exception type and top frames), the first {@code burst} occurrences of
 * a window pass as events of their own, the rest are folded into one event per key and window whose {@code count}
 * says how many it stands for. 10,000 identical exceptions a second become at most {@code burst + 1} events a second.
 * At most {@code maxKeys} keys are tracked per window; an occurrence of a key beyond them passes as an event of its
 * own, untracked, so a storm of one error never hides a new one (memory stays bounded; the spool's cap bounds the
 * rest). Runs on the agent thread; time is passed in.
 */
final class StormControl {

    /** An event to build: the throwable standing for {@code count} occurrences. */
    record Occurrence(Throwable throwable, Capture capture, long at, long count) {
    }

    private static final int TOP_FRAMES = 3;

    private static final class Window {
        final long start;
        int passed;
        long folded;
        Occurrence last;

        Window(long start) {
            this.start = start;
        }
    }

    private final int burst;
    private final long windowMs;
    private final int maxKeys;
    private final AgentCounters counters;
    private final Map<String, Window> windows = new LinkedHashMap<>();

    StormControl(int burst, long windowMs, int maxKeys, AgentCounters counters) {
        this.burst = burst;
        this.windowMs = windowMs;
        this.maxKeys = maxKeys;
        this.counters = counters;
    }

    /** The occurrence itself if it passes now; empty if it was folded into its key's count (or dropped). */
    List<Occurrence> offer(Throwable t, Capture capture, long at) {
        String key = key(t);
        Window w = windows.get(key);
        if (w == null) {
            if (windows.size() >= maxKeys) {
                return List.of(new Occurrence(t, capture, at, 1));
            }
            w = new Window(at);
            windows.put(key, w);
        }
        if (w.passed < burst) {
            w.passed++;
            return List.of(new Occurrence(t, capture, at, 1));
        }
        w.folded++;
        w.last = new Occurrence(t, capture, at, 0);
        counters.aggregated.increment();
        return List.of();
    }

    /** Folded events of every window that ended by {@code now} (all of them when {@code all}). */
    List<Occurrence> flush(long now, boolean all) {
        List<Occurrence> out = new ArrayList<>();
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (all || now - w.start >= windowMs) {
                if (w.folded > 0) {
                    out.add(new Occurrence(w.last.throwable(), w.last.capture(), w.last.at(), w.folded));
                }
                it.remove();
            }
        }
        return out;
    }

    private static String key(Throwable t) {
        StringBuilder k = new StringBuilder(t.getClass().getName());
        StackTraceElement[] trace = t.getStackTrace();
        for (int i = 0; i < Math.min(TOP_FRAMES, trace.length); i++) {
            k.append('|').append(trace[i].getClassName()).append('.').append(trace[i].getMethodName()).append(':').append(trace[i].getLineNumber());
        }
        return k.toString();
    }
}
