package io.tocsin.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.agent.AgentCounters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FallbackSpoolTest {

    private final AgentCounters counters = new AgentCounters();
    private final Logger log = Logger.getLogger(FallbackSpoolTest.class.getName());

    /** A disk spool whose disk fails on cue. */
    private static final class FailingDisk implements Spool {
        private final MemorySpool inner = new MemorySpool(1 << 20, new AgentCounters());
        boolean failing;

        private void check() {
            if (failing) {
                throw new UncheckedIOException(new IOException("No space left on device"));
            }
        }

        @Override
        public boolean append(byte[] event) {
            check();
            return inner.append(event);
        }

        @Override
        public List<Entry> next(int max) {
            check();
            return inner.next(max);
        }

        @Override
        public void acknowledge(Entry entry) {
            check();
            inner.acknowledge(entry);
        }

        @Override
        public void retry(Entry entry) {
            check();
            inner.retry(entry);
        }

        @Override
        public void sync() {
            check();
        }

        @Override
        public long bytes() {
            return inner.bytes();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aDiskThatFailsMidwayDegradesToMemoryWithoutThrowingOrLosingTheEventBeingAppended() {
        FailingDisk disk = new FailingDisk();
        FallbackSpool spool = FallbackSpool.over(disk, 1 << 20, counters, log);
        spool.append(bytes("a"));
        List<Spool.Entry> inFlight = spool.next(10);

        disk.failing = true;
        assertThat(spool.append(bytes("b"))).isTrue();

        assertThat(spool.inMemory()).isTrue();
        assertThat(counters.getDroppedByReason()).containsEntry("spool-disk-failed", 1L);
        // the late answer for the disk's entry must not remove the memory spool's entry of the same index
        spool.acknowledge(inFlight.get(0));
        assertThat(spool.next(10)).extracting(e -> new String(e.event(), StandardCharsets.UTF_8)).containsExactly("b");
    }

    @Test
    void anUnusableDirectoryGivesAMemorySpoolAtOnce(@TempDir Path dir) throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");

        FallbackSpool spool = FallbackSpool.open(notADirectory.resolve("spool"), 1 << 20, 1 << 20, counters, log);

        assertThat(spool.inMemory()).isTrue();
        assertThat(spool.append(bytes("kept"))).isTrue();
        assertThat(spool.bytes()).isEqualTo(4);
        assertThat(counters.getDroppedByReason()).containsEntry("spool-disk-failed", 1L);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
