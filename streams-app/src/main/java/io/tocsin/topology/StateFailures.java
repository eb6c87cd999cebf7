package io.tocsin.topology;

import java.io.IOException;
import java.util.Optional;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Tells a failing state store from a failing record. A store fails for reasons of the machine (the state directory
 * full, read-only or broken), never of the record being processed: such a failure must neither send the record to the
 * dead letters (its count would be lost for good) nor be retried by a new stream thread (it fails the same way, for
 * ever).
 */
public final class StateFailures {

    private StateFailures() {
    }

    /** Whether a state store failed somewhere in this chain of causes. */
    public static boolean isStoreFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ProcessorStateException) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the disk said, when a state store failed because it could not read or write its files (no space left,
     * read-only file system, an I/O error): the message of the deepest I/O error of the chain. Empty for anything else.
     */
    public static Optional<String> diskProblem(Throwable t) {
        if (!isStoreFailure(t)) {
            return Optional.empty();
        }
        String problem = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof RocksDBException r && isIoError(r)) {
                problem = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            }
        }
        return Optional.ofNullable(problem);
    }

    private static boolean isIoError(RocksDBException e) {
        Status status = e.getStatus();
        return status != null ? status.getCode() == Status.Code.IOError
                : e.getMessage() != null && (e.getMessage().contains("No space left") || e.getMessage().contains("Read-only file system"));
    }
}
