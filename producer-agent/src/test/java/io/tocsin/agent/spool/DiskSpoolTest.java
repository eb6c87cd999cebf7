package io.tocsin.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.agent.AgentCounters;
import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest {

    @TempDir
    Path dir;
    private final AgentCounters counters = new AgentCounters();

    private static byte[] event(int i) {
        return ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Spool.Entry e) {
        return new String(e.event(), StandardCharsets.UTF_8);
    }

    private long files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith("spool-")).count();
        }
    }

    @Test
    void shouldHandEventsOutInOrderAndForgetThemOnceAcknowledged() throws Exception {
        DiskSpool spool = new DiskSpool(dir, 1 << 20, counters);
        for (int i = 0; i < 3_000; i++) {
            spool.append(event(i));
        }
        List<Spool.Entry> out = spool.next(10_000);

        assertThat(out).extracting(DiskSpoolTest::text).startsWith("{\"n\":0}", "{\"n\":1}").endsWith("{\"n\":2999}");
        out.forEach(spool::acknowledge);
        assertThat(spool.bytes()).as("nothing left to send").isZero();
        spool.close();
        assertThat(files()).as("segments deleted once acknowledged").isZero();
    }

    @Test
    void shouldSendWhatAnEarlierProcessLeftAndIgnoreATornLastRecord() throws Exception {
        DiskSpool first = new DiskSpool(dir, 1 << 20, counters);
        for (int i = 0; i < 5; i++) {
            first.append(event(i));
        }
        first.close(); // the process ended with events unsent; then its last write turns out cut short
        Path segment;
        try (Stream<Path> s = Files.list(dir)) {
            segment = s.filter(f -> f.getFileName().toString().startsWith("spool-")).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(f.length() - 3);
        }

        DiskSpool second = new DiskSpool(dir, 1 << 20, counters);

        assertThat(second.next(100)).extracting(DiskSpoolTest::text).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    }

    @Test
    void shouldHandOutUnacknowledgedEventsAgainAfterAFailure() {
        DiskSpool spool = new DiskSpool(dir, 1 << 20, counters);
        for (int i = 0; i < 4; i++) {
            spool.append(event(i));
        }
        List<Spool.Entry> out = spool.next(4);
        spool.acknowledge(out.get(0));
        spool.acknowledge(out.get(2));
        spool.retry(out.get(1));

        assertThat(spool.next(10)).extracting(DiskSpoolTest::text).containsExactly("{\"n\":1}", "{\"n\":3}");
    }

    @Test
    void shouldRefuseASpoolDirectoryAnotherSpoolHolds() {
        DiskSpool first = new DiskSpool(dir, 1 << 20, counters);
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DiskSpool(dir, 1 << 20, counters))
                    .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("in use");
        } finally {
            first.close();
        }
    }

    @Test
    void shouldDropTheOldestSegmentsWhenOverTheCapAndCountThem() {
        DiskSpool spool = new DiskSpool(dir, 64 * 1024, counters);
        byte[] big = new byte[1000];
        for (int i = 0; i < 200; i++) {
            spool.append(big);
        }

        assertThat(spool.bytes()).isLessThanOrEqualTo(64 * 1024);
        assertThat(counters.getDroppedByReason().get("spool-full")).isPositive();
    }

    @Test
    void shouldStopAtAZeroFilledTailAndCountItInsteadOfReadingEmptyEvents() throws Exception {
        DiskSpool first = new DiskSpool(dir, 1 << 20, counters);
        for (int i = 0; i < 5; i++) {
            first.append(event(i));
        }
        first.close(); // then power is lost: the file system had grown the file but never wrote its last pages
        Files.write(segments().get(0), new byte[4096], StandardOpenOption.APPEND);

        DiskSpool second = new DiskSpool(dir, 1 << 20, counters);
        List<Spool.Entry> out = second.next(10_000);

        assertThat(out).extracting(DiskSpoolTest::text).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
        assertThat(counters.getDroppedByReason()).containsEntry("spool-corrupt", 1L);
        out.forEach(second::acknowledge);
        assertThat(second.bytes()).as("the zeros are not something left to send").isZero();
        second.close();
    }

    @Test
    void shouldStopAtARecordWhoseChecksumFailsAndKeepLaterSegments() throws Exception {
        DiskSpool first = new DiskSpool(dir, 64 * 1024, counters); // 16 KiB segments: the ten events take two
        for (int i = 0; i < 10; i++) {
            first.append(padded(i, 3000));
        }
        first.close();
        assertThat(segments()).hasSize(2);
        flipAByteInside(segments().get(0), "{\"n\":2,".getBytes(StandardCharsets.UTF_8));

        DiskSpool second = new DiskSpool(dir, 64 * 1024, counters);

        assertThat(second.next(100)).extracting(DiskSpoolTest::number).containsExactly(0, 1, 5, 6, 7, 8, 9);
        assertThat(counters.getDroppedByReason()).containsEntry("spool-corrupt", 1L);
        second.close();
    }

    @Test
    void shouldKeepOnlyRecordOffsetsInMemoryNotTheEvents() throws Exception {
        int n = 64;
        int size = 64 * 1024;
        List<byte[]> events = IntStream.range(0, n).mapToObj(i -> padded(i, size)).toList();
        MemorySpool control = new MemorySpool(8 << 20, new AgentCounters());
        events.forEach(control::append);
        assertThat(retainedBytes(control)).as("the walk finds events a spool holds").isGreaterThanOrEqualTo((long) n * size);

        DiskSpool spool = new DiskSpool(dir, 8 << 20, counters);
        events.forEach(spool::append);
        assertThat(retainedBytes(spool)).as("after appending").isLessThan(size);
        List<Spool.Entry> out = spool.next(n);
        assertThat(retainedBytes(spool)).as("with all of them handed out").isLessThan(size);
        assertThat(out).extracting(Spool.Entry::event).containsExactlyElementsOf(events);
        spool.close();

        DiskSpool reopened = new DiskSpool(dir, 8 << 20, counters);
        assertThat(reopened.next(n)).extracting(Spool.Entry::event).containsExactlyElementsOf(events);
        assertThat(retainedBytes(reopened)).as("segments an earlier process left").isLessThan(size);
        reopened.close();
    }

    @Test
    void shouldReadASegmentWrittenBeforeChecksumsAndStopAtItsZeroFilledTail() throws Exception {
        ByteBuffer old = ByteBuffer.allocate(4096 + 3 * 16);
        for (int i = 0; i < 3; i++) {
            byte[] e = event(i);
            old.putInt(e.length).put(e); // the format before checksums: length, event
        }
        Files.write(dir.resolve("spool-00000000000000000007.log"), Arrays.copyOf(old.array(), old.position() + 4096));

        DiskSpool spool = new DiskSpool(dir, 1 << 20, counters);
        spool.append(event(3));

        assertThat(spool.next(100)).extracting(DiskSpoolTest::text).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        assertThat(counters.getDroppedByReason()).containsEntry("spool-corrupt", 1L);
        spool.close();
    }

    @Test
    void shouldSkipAndCountARecordDamagedOnDiskAfterItWasWritten() throws Exception {
        DiskSpool spool = new DiskSpool(dir, 1 << 20, counters);
        for (int i = 0; i < 3; i++) {
            spool.append(padded(i, 100));
        }
        spool.sync();
        flipAByteInside(segments().get(0), "{\"n\":1,".getBytes(StandardCharsets.UTF_8));

        List<Spool.Entry> out = spool.next(10);

        assertThat(out).extracting(DiskSpoolTest::number).containsExactly(0, 2);
        assertThat(counters.getDroppedByReason()).containsEntry("spool-corrupt", 1L);
        out.forEach(spool::acknowledge);
        assertThat(spool.bytes()).as("the damaged record is not something left to send").isZero();
        spool.close();
    }

    private static byte[] padded(int i, int size) {
        String head = "{\"n\":" + i + ",\"pad\":\"";
        return (head + "x".repeat(size - head.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static int number(Spool.Entry e) {
        String s = text(e);
        return Integer.parseInt(s.substring(s.indexOf(':') + 1, s.indexOf(',')));
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith("spool-")).sorted().toList();
        }
    }

    /** Found by content, so the test does not depend on where the format puts the event. */
    private static void flipAByteInside(Path file, byte[] needle) throws Exception {
        byte[] all = Files.readAllBytes(file);
        int at = indexOf(all, needle);
        assertThat(at).as("event found in " + file).isNotNegative();
        all[at + needle.length + 10] ^= 0x01;
        Files.write(file, all);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Bytes in byte arrays and byte buffers reachable from {@code root} through the project's objects, arrays,
     * collections and maps: what a spool keeps on the heap. Other JDK objects (paths, channels, bit sets) hold no
     * events and are not entered (nor could they be, without opening java.base).
     */
    private static long retainedBytes(Object root) throws IllegalAccessException {
        long total = 0;
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            Object o = todo.remove(todo.size() - 1);
            if (o == null || !seen.add(o)) {
                continue;
            }
            if (o instanceof byte[] b) {
                total += b.length;
            } else if (o instanceof ByteBuffer b) {
                total += b.capacity();
            } else if (o instanceof Object[] a) {
                todo.addAll(Arrays.asList(a));
            } else if (o instanceof Collection<?> c) {
                todo.addAll(c);
            } else if (o instanceof Map<?, ?> m) {
                todo.addAll(m.keySet());
                todo.addAll(m.values());
            } else {
                for (Class<?> c = o.getClass(); c != null && c.getName().startsWith("io.tocsin."); c = c.getSuperclass()) {
                    for (Field f : c.getDeclaredFields()) {
                        if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                            f.setAccessible(true);
                            todo.add(f.get(o));
                        }
                    }
                }
            }
        }
        return total;
    }
}
