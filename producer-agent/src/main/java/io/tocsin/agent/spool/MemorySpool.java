package io.tocsin.agent.spool;

import io.tocsin.agent.AgentCounters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;

/**
 * A bounded in-memory spool: used when no spool directory is configured, or when the disk spool fails (full disk,
 * unwritable directory). The oldest events are dropped (and counted) when over the byte cap. Not thread-safe: only the
 * agent thread uses it.
 */
public final class MemorySpool implements Spool {

    private final long maxBytes;
    private final AgentCounters counters;
    private final Deque<Entry> waiting = new ArrayDeque<>();
    private final TreeMap<Integer, Entry> handedOut = new TreeMap<>();
    private long bytes;
    private int sequence;

    public MemorySpool(long maxBytes, AgentCounters counters) {
        this.maxBytes = maxBytes;
        this.counters = counters;
    }

    @Override
    public boolean append(byte[] event) {
        if (event.length > maxBytes) {
            counters.dropped("spool-full");
            return false;
        }
        while (bytes + event.length > maxBytes && !waiting.isEmpty()) {
            bytes -= waiting.pollFirst().event().length;
            counters.dropped("spool-full");
        }
        waiting.addLast(new Entry(0, sequence++, event));
        bytes += event.length;
        return true;
    }

    @Override
    public List<Entry> next(int max) {
        List<Entry> out = new ArrayList<>();
        while (out.size() < max && !waiting.isEmpty()) {
            Entry e = waiting.pollFirst();
            handedOut.put(e.index(), e);
            out.add(e);
        }
        return out;
    }

    @Override
    public void acknowledge(Entry entry) {
        if (handedOut.remove(entry.index()) != null) {
            bytes -= entry.event().length;
        }
    }

    @Override
    public void retry(Entry entry) {
        // everything handed out goes back in front, in order
        List<Entry> back = new ArrayList<>(handedOut.values());
        handedOut.clear();
        for (int i = back.size() - 1; i >= 0; i--) {
            waiting.addFirst(back.get(i));
        }
    }

    @Override
    public void sync() {
    }

    @Override
    public long bytes() {
        return bytes;
    }


    @Override
    public void close() {
    }
}
