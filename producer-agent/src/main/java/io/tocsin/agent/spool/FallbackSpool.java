package io.tocsin.agent.spool;

import io.tocsin.agent.AgentCounters;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The spool the agent uses: on disk, and in bounded memory from the moment the disk fails (an unusable directory at
 * start, a full or read-only disk later), counted as {@code spool-disk-failed} and logged once, never thrown. Entries
 * the disk spool had handed out before it failed stay on disk for the next start; their late acknowledgements and
 * retries are ignored, so they cannot touch the memory spool's entries.
 */
public final class FallbackSpool implements Spool {

    private final long memoryMaxBytes;
    private final AgentCounters counters;
    private final Logger log;
    private final Set<Entry> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Entry> stale = Collections.newSetFromMap(new IdentityHashMap<>());
    private Spool current;

    private FallbackSpool(Spool current, long memoryMaxBytes, AgentCounters counters, Logger log) {
        this.current = current;
        this.memoryMaxBytes = memoryMaxBytes;
        this.counters = counters;
        this.log = log;
    }

    /** A disk spool in {@code dir}, or a memory spool right away when the directory cannot be used. */
    public static FallbackSpool open(Path dir, long maxBytes, long memoryMaxBytes, AgentCounters counters, Logger log) {
        try {
            return over(new DiskSpool(dir, maxBytes, counters), memoryMaxBytes, counters, log);
        } catch (UncheckedIOException e) {
            FallbackSpool spool = new FallbackSpool(null, memoryMaxBytes, counters, log);
            spool.current = spool.memory("spool directory unusable", e);
            return spool;
        }
    }

    /** Falls back from the given spool (tests pass one whose disk fails on cue). */
    static FallbackSpool over(Spool disk, long memoryMaxBytes, AgentCounters counters, Logger log) {
        return new FallbackSpool(disk, memoryMaxBytes, counters, log);
    }

    @Override
    public boolean append(byte[] event) {
        try {
            return current.append(event);
        } catch (UncheckedIOException e) {
            degrade(e);
            return current.append(event);
        }
    }

    @Override
    public List<Entry> next(int max) {
        try {
            List<Entry> batch = current.next(max);
            handedOut.addAll(batch);
            return batch;
        } catch (UncheckedIOException e) {
            degrade(e);
            return List.of();
        }
    }

    @Override
    public void acknowledge(Entry entry) {
        if (!stale.remove(entry)) {
            handedOut.remove(entry);
            guarded(() -> current.acknowledge(entry));
        }
    }

    @Override
    public void retry(Entry entry) {
        if (!stale.remove(entry)) {
            handedOut.clear(); // the spool hands all of them out again
            guarded(() -> current.retry(entry));
        }
    }

    @Override
    public void sync() {
        guarded(current::sync);
    }

    @Override
    public long bytes() {
        return current.bytes();
    }

    @Override
    public void close() {
        try {
            current.close();
        } catch (RuntimeException ignored) {
            // closing a failed disk: nothing more to lose
        }
    }

    /** True once events are kept in memory only. */
    public boolean inMemory() {
        return current instanceof MemorySpool;
    }

    private void guarded(Runnable call) {
        try {
            call.run();
        } catch (UncheckedIOException e) {
            degrade(e);
        }
    }

    private void degrade(UncheckedIOException e) {
        Spool failed = current;
        stale.addAll(handedOut);
        handedOut.clear();
        current = memory("spool disk failed", e);
        try {
            failed.close();
        } catch (RuntimeException ignored) {
            // already failing
        }
    }

    private Spool memory(String why, UncheckedIOException e) {
        counters.dropped("spool-disk-failed");
        log.warning("tocsin agent: " + why + ", keeping events in memory only: " + e.getMessage());
        return new MemorySpool(memoryMaxBytes, counters);
    }
}
