package io.tocsin.topology;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line behind {@link EventLimits}: a record the topology cannot write because it grew too large (or could
 * not be serialised) sends the input record that caused it to the dead-letter topic with the reason, and processing
 * goes on. Failing instead would fail the task, replace the thread and meet the same record again, forever. Any other
 * production error fails as usual (exactly-once then retries the whole transaction).
 */
public final class OversizeRecordHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(OversizeRecordHandler.class);
    private String deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetters = topic == null ? null : topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof RecordTooLargeException)) {
            return Response.fail();
        }
        if (record.topic().equals(deadLetters)) {
            // setting a too large dead letter aside would meet the same error again, and again, in the producer's callback
            LOG.error("input {}-{}@{}: its dead letter is too large to write: {}", context.topic(), context.partition(),
                    context.offset(), exception.getMessage());
            return Response.resume();
        }
        return setAside(context, "record for " + record.topic() + " too large to write: " + exception.getMessage());
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        return setAside(context, "cannot serialise the " + origin.name().toLowerCase(Locale.ROOT) + " for " + record.topic() + ": " + exception.getMessage());
    }

    private Response setAside(ErrorHandlerContext context, String reason) {
        LOG.error("input {}-{}@{} goes to the dead letters: {}", context.topic(), context.partition(), context.offset(), reason);
        if (deadLetters == null || context.sourceRawValue() == null) {
            return Response.resume();
        }
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(deadLetters, context.sourceRawKey(), context.sourceRawValue());
        dead.headers().add(InputParser.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(InputParser.TOPIC_HEADER, context.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add(InputParser.PARTITION_HEADER, String.valueOf(context.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add(InputParser.OFFSET_HEADER, String.valueOf(context.offset()).getBytes(StandardCharsets.UTF_8));
        return Response.resume(List.of(dead));
    }
}
