package io.tocsin.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirCheckTest {

    @TempDir
    Path dir;

    @Test
    void shouldCreateAMissingStateDirAndLeaveNothingBehind() throws Exception {
        Path state = dir.resolve("state");

        StateDirCheck.requireWritable(state);

        assertThat(state).isDirectory();
        try (var left = Files.list(state)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void shouldRefuseAStateDirThatCannotBeADirectoryInOneLineNamingTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> StateDirCheck.requireWritable(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("state.dir " + file + " is not writable (a file is in the way: " + file + ")")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> StateDirCheck.requireWritable(file.resolve("state")))
                .hasMessageStartingWith("state.dir " + file.resolve("state") + " is not writable");
    }
}
