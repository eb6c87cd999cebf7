package io.tocsin.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class OversizeRecordHandlerTest {

    private static final String DEAD_LETTERS = "tocsin.dead-letters";
    private final OversizeRecordHandler handler = new OversizeRecordHandler();

    OversizeRecordHandlerTest() {
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DEAD_LETTERS));
    }

    @Test
    void shouldSetTheInputOfARecordTooLargeToWriteAsideWithTheReason() {
        ProductionExceptionHandler.Response r = handler.handleError(context(), new ProducerRecord<>("tocsin.alerts", new byte[1], new byte[1]),
                new RecordTooLargeException("too large"));

        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo(DEAD_LETTERS);
            assertThat(dead.value()).isEqualTo("input".getBytes());
            assertThat(dead.headers().lastHeader(InputParser.REASON_HEADER)).isNotNull();
        });
    }

    @Test
    void shouldNotSetADeadLetterTooLargeToWriteAsideAgain() {
        // it would meet the same error in the producer's callback, again and again, until the stack overflows
        ProductionExceptionHandler.Response r = handler.handleError(context(), new ProducerRecord<>(DEAD_LETTERS, new byte[1], new byte[1]),
                new RecordTooLargeException("too large"));

        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).isEmpty();
    }

    private static ErrorHandlerContext context() {
        return ErrorContexts.of("tocsin.errors", 0, 7, "errors-parse", new TaskId(0, 0), "key", "input");
    }
}
