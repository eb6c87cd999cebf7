package io.tocsin.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.agent.AgentCounters;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
