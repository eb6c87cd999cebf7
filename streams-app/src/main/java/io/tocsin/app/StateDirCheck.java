package io.tocsin.app;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Fails fast, in one line naming {@code state.dir}, when Kafka Streams could not keep its RocksDB state there
 * (read-only, full, not a directory), instead of the stack traces and the "Failed to lock the state directory" it
 * gives itself. Writes, syncs and removes a one-byte file: a full disk refuses even that.
 */
final class StateDirCheck {

    private StateDirCheck() {
    }

    static void requireWritable(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            Path probe = Files.createTempFile(stateDir, ".tocsin-write-check-", "");
            try {
                Files.write(probe, new byte[] {1}, StandardOpenOption.SYNC);
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            throw new IllegalStateException("state.dir " + stateDir.toAbsolutePath() + " is not writable (" + why(e)
                    + "): Kafka Streams keeps its state there; make it writable or point state.dir (TOCSIN_STATE_DIR) elsewhere", e);
        }
    }

    private static String why(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "a file is in the way: " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
