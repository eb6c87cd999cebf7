package io.tocsin.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where captures go when the queue is full: counted per exception class, lock-free, with the latest throwable kept as
 * the example, so a storm that outruns the agent thread still arrives as occurrence counts rather than being lost.
 * Bounded: past {@code maxClasses} distinct classes an overflowing capture is dropped and counted.
 */
final class Overflow {

    record Spill(Throwable example, Capture capture, long at, long count) {
    }

    private static final class Counted {
        final LongAdder count = new LongAdder();
        final AtomicReference<Spill> last = new AtomicReference<>();
    }

    private final Map<Class<?>, Counted> byClass = new ConcurrentHashMap<>();
    private final int maxClasses;

    Overflow(int maxClasses) {
        this.maxClasses = maxClasses;
    }

    /** Caller thread: false when even the overflow is full. */
    boolean spill(Throwable t, Capture capture, long at) {
        Counted c = byClass.get(t.getClass());
        if (c == null) {
            if (byClass.size() >= maxClasses) {
                return false;
            }
            c = byClass.computeIfAbsent(t.getClass(), k -> new Counted());
        }
        c.last.set(new Spill(t, capture, at, 0));
        c.count.increment();
        return true;
    }

    /** Agent thread: what spilled since the last call, one entry per class with its count. */
    List<Spill> drain() {
        List<Spill> out = new ArrayList<>();
        for (Counted c : byClass.values()) {
            long n = c.count.sumThenReset();
            Spill last = c.last.get();
            if (n > 0 && last != null) {
                out.add(new Spill(last.example(), last.capture(), last.at(), n));
            }
        }
        return out;
    }
}
