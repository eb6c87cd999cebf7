package io.tocsin.agent.spool;

import io.tocsin.agent.AgentCounters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Append-only segment files under the spool directory ({@code spool-<seq>.log}, each record a 4-byte length and the
 * event), synced to disk by the agent every fsync interval, so a kill -9 loses at most that interval. Segments are
 * deleted once every event in them is acknowledged; over {@code maxBytes} the oldest segment is dropped (and its
 * events counted). Segments left by an earlier process are sent first. A torn record at the end of a segment (a crash
 * mid-write) is ignored. Disk errors surface as {@link UncheckedIOException}: the agent then falls back to memory.
 * Not thread-safe: only the agent thread uses it.
 */
public final class DiskSpool implements Spool {

    private static final String PREFIX = "spool-";
    private static final String SUFFIX = ".log";
    private static final long SEGMENT_MAX = 1 << 20;

    private final class Segment {
        final long seq;
        final Path path;
        List<byte[]> entries;
        final BitSet acked = new BitSet();
        int cursor;
        long size;

        Segment(long seq, Path path, long size) {
            this.seq = seq;
            this.path = path;
            this.size = size;
        }

        List<byte[]> entries() {
            if (entries == null) {
                entries = read(path);
            }
            return entries;
        }

        boolean done() {
            return entries != null && acked.cardinality() == entries.size();
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentMax;
    private final AgentCounters counters;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Segment active;
    private FileChannel writer;
    private FileChannel lockChannel;
    private boolean dirty;
    private long bytes;
    private long pending;

    public DiskSpool(Path dir, long maxBytes, AgentCounters counters) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentMax = Math.max(4096, Math.min(SEGMENT_MAX, maxBytes / 4));
        this.counters = counters;
        try {
            Files.createDirectories(dir);
            lock();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    long seq = Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
                    long size = Files.size(f);
                    segments.put(seq, new Segment(seq, f, size));
                    bytes += size;
                    pending += size;
                }
            }
            openActive(segments.isEmpty() ? 1 : segments.lastKey() + 1);
        } catch (IOException | NumberFormatException e) {
            throw new UncheckedIOException(new IOException("cannot use spool directory " + dir + ": " + e.getMessage(), e));
        }
    }

    /** One process per spool directory: two appending to the same segments would corrupt them. */
    private void lock() throws IOException {
        lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        boolean locked;
        try {
            locked = lockChannel.tryLock() != null;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            locked = false; // held by another spool in this JVM
        }
        if (!locked) {
            lockChannel.close();
            throw new IOException("spool directory " + dir + " is in use by another process; give each process its own spool.dir");
        }
    }

    @Override
    public boolean append(byte[] event) {
        long recordSize = 4L + event.length;
        if (recordSize > maxBytes) {
            counters.dropped("spool-full");
            return false;
        }
        try {
            if (active.size + recordSize > segmentMax && active.size > 0) {
                roll();
            }
            while (bytes + recordSize > maxBytes && segments.firstKey() != active.seq) {
                dropOldest();
            }
            ByteBuffer buf = ByteBuffer.allocate((int) recordSize).putInt(event.length).put(event).flip();
            while (buf.hasRemaining()) {
                writer.write(buf);
            }
            active.entries.add(event);
            active.size += recordSize;
            bytes += recordSize;
            pending += recordSize;
            dirty = true;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Entry> next(int max) {
        List<Entry> out = new ArrayList<>();
        for (Segment s : segments.values()) {
            List<byte[]> entries = s.entries();
            while (out.size() < max && s.cursor < entries.size()) {
                int i = s.cursor++;
                if (!s.acked.get(i)) {
                    out.add(new Entry(s.seq, i, entries.get(i)));
                }
            }
            if (out.size() >= max) {
                break;
            }
        }
        return out;
    }

    @Override
    public void acknowledge(Entry entry) {
        Segment s = segments.get(entry.segment());
        if (s == null) {
            return;
        }
        if (!s.acked.get(entry.index())) {
            s.acked.set(entry.index());
            pending -= 4L + entry.event().length;
        }
        if (s != active && s.done()) {
            delete(s);
        }
    }

    @Override
    public void retry(Entry entry) {
        for (Map.Entry<Long, Segment> e : segments.tailMap(entry.segment(), true).entrySet()) {
            Segment s = e.getValue();
            s.cursor = Math.min(s.cursor, e.getKey() == entry.segment() ? entry.index() : 0);
        }
    }

    @Override
    public void sync() {
        if (!dirty) {
            return;
        }
        try {
            writer.force(false);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes of events not yet acknowledged (what is still to send). */
    @Override
    public long bytes() {
        return pending;
    }


    @Override
    public void close() {
        try {
            sync();
            writer.close();
            if (active.entries.isEmpty() || active.done()) {
                Files.deleteIfExists(active.path);
            }
            lockChannel.close();
        } catch (IOException | UncheckedIOException e) {
            // the data that could be synced is on disk; nothing else to do on the way out
        }
    }

    private void openActive(long seq) throws IOException {
        Path path = dir.resolve(String.format("%s%020d%s", PREFIX, seq, SUFFIX));
        writer = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        active = new Segment(seq, path, 0);
        active.entries = new ArrayList<>();
        segments.put(seq, active);
    }

    private void roll() throws IOException {
        writer.force(false);
        writer.close();
        dirty = false;
        Segment sealed = active;
        openActive(sealed.seq + 1);
        if (sealed.done()) {
            delete(sealed);
        }
    }

    private void dropOldest() {
        Segment oldest = segments.firstEntry().getValue();
        int lost = oldest.entries == null ? countRecords(oldest.path) : oldest.entries.size() - oldest.acked.cardinality();
        for (int i = 0; i < lost; i++) {
            counters.dropped("spool-full");
        }
        pending -= oldest.entries == null ? oldest.size : unackedBytes(oldest);
        delete(oldest);
    }

    private void delete(Segment s) {
        segments.remove(s.seq);
        bytes -= s.size;
        try {
            Files.deleteIfExists(s.path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long unackedBytes(Segment s) {
        long n = 0;
        for (int i = 0; i < s.entries.size(); i++) {
            if (!s.acked.get(i)) {
                n += 4L + s.entries.get(i).length;
            }
        }
        return n;
    }

    private static int countRecords(Path path) {
        return read(path).size();
    }

    private static List<byte[]> read(Path path) {
        List<byte[]> out = new ArrayList<>();
        try {
            ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(path));
            while (all.remaining() >= 4) {
                int len = all.getInt();
                if (len < 0 || len > all.remaining()) {
                    break; // a torn record from a crash mid-write
                }
                byte[] event = new byte[len];
                all.get(event);
                out.add(event);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
