package io.tocsin.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder behind "the host's threads did no I/O" sees I/O when there is some: the check can fail. */
class ThreadIoTest {

    @Test
    void aThreadThatWritesAFileIsSeenAndAnIdleOneIsNot(@TempDir Path dir) throws Exception {
        try (ThreadIo io = ThreadIo.start()) {
            Thread writer = new Thread(() -> {
                try {
                    Files.writeString(dir.resolve("x"), "written on purpose");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "io-test-writer");
            Thread idle = new Thread(() -> new IllegalStateException("built, not written").getStackTrace(), "io-test-idle");
            writer.start();
            idle.start();
            writer.join();
            idle.join();

            assertThat(io.snapshot()).containsEntry("io-test-writer", Set.of("jdk.FileWrite"))
                    .doesNotContainKey("io-test-idle");
        }
    }
}
