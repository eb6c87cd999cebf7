package io.tocsin.agent.spool;

import io.tocsin.agent.AgentCounters;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Append-only segment files under the spool directory ({@code spool-<seq>.log}), synced to disk by the agent every
 * fsync interval, so a kill -9 loses at most that interval. A segment starts with the 4 bytes {@code TSP1}; each
 * record is a 4-byte length (big-endian, 1 to 16 MiB), the 4-byte CRC32C of the event, then the event. A file without
 * that start was written before checksums: its records are a 4-byte length and the event.
 * <p>
 * Only where each record lies is kept in memory (12 bytes a record); an event is read from its file when it is handed
 * out, so the spool costs the host's heap nothing like {@code maxBytes}. Reading a segment an earlier process left
 * stops at the first record that cannot be one (an impossible length, a length past the end of the file, a checksum
 * that does not match: a zero-filled tail after a power loss, a torn or damaged write), counted once as
 * {@code spool-corrupt}; a record damaged on disk after it was written is counted the same way when it is read, and
 * skipped. Segments are deleted once every event in them is acknowledged; over {@code maxBytes} the oldest segment is
 * dropped (and its events counted as {@code spool-full}). Segments left by an earlier process are sent first. Disk
 * errors surface as {@link UncheckedIOException}: {@link FallbackSpool} then falls back to memory. Not thread-safe:
 * only the agent thread uses it.
 */
public final class DiskSpool implements Spool {

    private static final String PREFIX = "spool-";
    private static final String SUFFIX = ".log";
    private static final long SEGMENT_MAX = 1 << 20;
    /** Read as a length in the format before checksums this is about 1.4 GB, past MAX_EVENT: the two cannot be confused. */
    private static final byte[] MAGIC = {'T', 'S', 'P', '1'};
    /** Far above any event the agent builds; a larger length read back is damage, not an event. */
    static final int MAX_EVENT = 16 << 20;
    private static final String CORRUPT = "spool-corrupt";

    /** How a segment's records are laid out. */
    private enum Format {
        CHECKED(MAGIC.length, 8),
        BEFORE_CHECKSUMS(0, 4);

        /** Where the first record starts. */
        final int start;
        /** Bytes before each event. */
        final int header;

        Format(int start, int header) {
            this.start = start;
            this.header = header;
        }

        /** Reads the start of a segment: past the magic if there is one, else back where it was. */
        static Format of(InputStream in) throws IOException {
            in.mark(MAGIC.length);
            if (Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
                return CHECKED;
            }
            in.reset();
            return BEFORE_CHECKSUMS;
        }
    }

    /** One segment file and where its records lie, never their events. */
    private static final class Segment {
        final long seq;
        final Path path;
        final Format format;
        final BitSet acked = new BitSet();
        long[] offsets = new long[64];
        int[] lengths = new int[64];
        int count;
        int cursor;
        /** Bytes of the file, intact records or not: what it takes on disk. */
        long size;

        Segment(long seq, Path path, Format format, long size) {
            this.seq = seq;
            this.path = path;
            this.format = format;
            this.size = size;
        }

        void add(long offset, int length) {
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            offsets[count] = offset;
            lengths[count] = length;
            count++;
        }

        long recordBytes(int i) {
            return format.header + (long) lengths[i];
        }

        long unackedBytes() {
            long n = 0;
            for (int i = acked.nextClearBit(0); i < count; i = acked.nextClearBit(i + 1)) {
                n += recordBytes(i);
            }
            return n;
        }

        boolean done() {
            return acked.cardinality() == count;
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
            openActive(loadEarlierSegments() + 1);
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

    /** Indexes the segments an earlier process left; returns the highest sequence number seen (0 if none). */
    private long loadEarlierSegments() throws IOException {
        long lastSeq = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long seq = Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
                lastSeq = Math.max(lastSeq, seq);
                Segment s = index(seq, f);
                if (s.count == 0) {
                    Files.delete(f); // nothing in it to send, and nothing would ever delete it otherwise
                    continue;
                }
                segments.put(seq, s);
                bytes += s.size;
                pending += s.unackedBytes();
            }
        }
        return lastSeq;
    }

    /** Streams through a segment once, keeping where each intact record lies and stopping at the first that is not. */
    private Segment index(long seq, Path path) throws IOException {
        long size = Files.size(path);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
            Segment s = new Segment(seq, path, Format.of(in), size);
            byte[] chunk = new byte[1 << 16];
            long pos = s.format.start;
            while (size - pos >= s.format.header) {
                int length = in.readInt();
                int crc = s.format == Format.CHECKED ? in.readInt() : 0;
                boolean fits = length > 0 && length <= MAX_EVENT && length <= size - pos - s.format.header;
                if (!fits || !intact(s.format, crc, in, length, chunk)) {
                    break;
                }
                s.add(pos, length);
                pos += s.format.header + length;
            }
            if (pos != size) {
                counters.dropped(CORRUPT); // one count for the stop: past it there is no telling how many events were lost
            }
            return s;
        }
    }

    /** Consumes the event's bytes; checks them against the CRC for segments that have one. */
    private static boolean intact(Format format, int crc, InputStream in, int length, byte[] chunk) throws IOException {
        if (format == Format.BEFORE_CHECKSUMS) {
            in.skipNBytes(length);
            return true;
        }
        CRC32C sum = new CRC32C();
        for (int left = length; left > 0; ) {
            int n = in.read(chunk, 0, Math.min(left, chunk.length));
            if (n < 0) {
                return false;
            }
            sum.update(chunk, 0, n);
            left -= n;
        }
        return (int) sum.getValue() == crc;
    }

    @Override
    public boolean append(byte[] event) {
        if (event.length == 0) {
            return false; // nothing to send; and a zero length is what a zero-filled tail reads as, so it marks the end
        }
        long recordSize = Format.CHECKED.header + (long) event.length;
        if (event.length > MAX_EVENT || recordSize > maxBytes) {
            counters.dropped("spool-full");
            return false;
        }
        try {
            if (active.size + recordSize > segmentMax && active.count > 0) {
                roll();
            }
            while (bytes + recordSize > maxBytes && segments.firstKey() != active.seq) {
                dropOldest();
            }
            write(event);
            active.add(active.size, event.length);
            active.size += recordSize;
            bytes += recordSize;
            pending += recordSize;
            dirty = true;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(byte[] event) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(Format.CHECKED.header).putInt(event.length).putInt(crc32c(event)).flip();
        ByteBuffer[] record = {header, ByteBuffer.wrap(event)};
        while (record[1].hasRemaining()) {
            writer.write(record);
        }
    }

    @Override
    public List<Entry> next(int max) {
        List<Entry> out = new ArrayList<>();
        // a copy: a segment whose last unacknowledged record turns out damaged is deleted on the way
        for (Segment s : List.copyOf(segments.values())) {
            if (out.size() >= max) {
                break;
            }
            if (s.cursor < s.count) {
                handOut(s, max, out);
            }
            if (s != active && s.done()) {
                delete(s);
            }
        }
        return out;
    }

    private void handOut(Segment s, int max, List<Entry> out) {
        try (FileChannel in = FileChannel.open(s.path, StandardOpenOption.READ)) {
            while (out.size() < max && s.cursor < s.count) {
                int i = s.cursor++;
                if (s.acked.get(i)) {
                    continue;
                }
                byte[] event = read(in, s, i);
                if (event != null) {
                    out.add(new Entry(s.seq, i, event));
                } else {
                    forget(s, i);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The event of record {@code i}, or null if the disk no longer holds what was written there. Its neighbours were
     * framed when written or indexed, so they are still read: one damaged record does not lose the rest.
     */
    private static byte[] read(FileChannel in, Segment s, int i) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(s.format.header);
        byte[] event = new byte[s.lengths[i]];
        if (!readFully(in, header, s.offsets[i]) || !readFully(in, ByteBuffer.wrap(event), s.offsets[i] + s.format.header)) {
            return null;
        }
        header.flip();
        if (header.getInt() != event.length) {
            return null;
        }
        return s.format == Format.BEFORE_CHECKSUMS || header.getInt() == crc32c(event) ? event : null;
    }

    private static boolean readFully(FileChannel in, ByteBuffer buf, long at) throws IOException {
        while (buf.hasRemaining()) {
            if (in.read(buf, at + buf.position()) < 0) {
                return false;
            }
        }
        return true;
    }

    private void forget(Segment s, int i) {
        counters.dropped(CORRUPT);
        s.acked.set(i);
        pending -= s.recordBytes(i);
    }

    @Override
    public void acknowledge(Entry entry) {
        Segment s = segments.get(entry.segment());
        if (s == null) {
            return;
        }
        if (!s.acked.get(entry.index())) {
            s.acked.set(entry.index());
            pending -= s.recordBytes(entry.index());
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
            if (active.done()) {
                Files.deleteIfExists(active.path);
            }
            lockChannel.close();
        } catch (IOException | UncheckedIOException e) {
            // the data that could be synced is on disk; nothing else to do on the way out
        }
    }

    private void openActive(long seq) throws IOException {
        Path path = dir.resolve(String.format("%s%020d%s", PREFIX, seq, SUFFIX));
        writer = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        ByteBuffer magic = ByteBuffer.wrap(MAGIC);
        while (magic.hasRemaining()) {
            writer.write(magic);
        }
        active = new Segment(seq, path, Format.CHECKED, MAGIC.length);
        segments.put(seq, active);
        bytes += MAGIC.length;
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
        int lost = oldest.count - oldest.acked.cardinality();
        for (int i = 0; i < lost; i++) {
            counters.dropped("spool-full");
        }
        pending -= oldest.unackedBytes();
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

    private static int crc32c(byte[] event) {
        CRC32C sum = new CRC32C();
        sum.update(event);
        return (int) sum.getValue();
    }
}
