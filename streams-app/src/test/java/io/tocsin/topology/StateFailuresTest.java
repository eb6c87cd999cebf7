package io.tocsin.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

class StateFailuresTest {

    private static final String NO_SPACE = "While appending to file: /state/tocsin/4_1/rocksdb/error-groups/000012.sst: No space left on device";

    @Test
    void shouldNameTheDiskProblemOfAStoreThatCannotWrite() {
        RocksDBException rocks = new RocksDBException(NO_SPACE, new Status(Status.Code.IOError, Status.SubCode.NoSpace, null));
        Exception e = new StreamsException(new ProcessorStateException("Error while putting key/value into store error-groups",
                new ProcessorStateException("Error while putting key/value into store error-groups", rocks)));

        assertThat(StateFailures.isStoreFailure(e)).isTrue();
        assertThat(StateFailures.diskProblem(e)).contains(NO_SPACE);
    }

    @Test
    void shouldNameAReadOnlyFileSystem() {
        Exception e = new ProcessorStateException("Failed to lock the state directory",
                new FileSystemException("/state/tocsin/.lock", null, "Read-only file system"));

        assertThat(StateFailures.diskProblem(e)).contains("/state/tocsin/.lock: Read-only file system");
    }

    @Test
    void shouldNotTakeOtherFailuresForDiskProblems() {
        RocksDBException corruption = new RocksDBException("bad block", new Status(Status.Code.Corruption, Status.SubCode.None, null));

        assertThat(StateFailures.diskProblem(new ProcessorStateException("store failed", corruption))).isEmpty();
        assertThat(StateFailures.diskProblem(new ProcessorStateException("store is closed"))).isEmpty();
        assertThat(StateFailures.diskProblem(new StreamsException(new IOException("connection reset")))).as("no store involved").isEmpty();
        assertThat(StateFailures.isStoreFailure(new IllegalArgumentException("unparsable"))).isFalse();
    }

    @Test
    void shouldFailTheTaskWhenAStoreFailsAndSkipARecordThatFailsItself() {
        RecordFailureHandler handler = new RecordFailureHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "tocsin.dead-letters"));
        Record<String, String> record = new Record<>("k", "v", 0L);

        ProcessingExceptionHandler.Response store = handler.handleError(context(), record,
                new ProcessorStateException("Error while putting key/value into store error-groups", new RocksDBException(NO_SPACE)));
        ProcessingExceptionHandler.Response poisoned = handler.handleError(context(), record, new IllegalArgumentException("bad event"));

        assertThat(store.result()).as("a failing store").isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(poisoned.result()).as("a record that fails a step").isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(poisoned.deadLetterQueueRecords()).as("the poisoned record, to the dead letters").singleElement()
                .satisfies(dead -> assertThat(dead.topic()).isEqualTo("tocsin.dead-letters"));
    }

    private static ErrorHandlerContext context() {
        return ErrorContexts.of("tocsin.errors", 1, 42, "error-throttle", new TaskId(4, 1), "svc/i-1", "{}");
    }
}
