package io.tocsin.topology;

import io.tocsin.metrics.Counters;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Parses raw input records. A valid event goes on with the timestamp its {@link TimestampRule} gives; anything else
 * goes on as raw bytes with dead-letter headers naming the reason and where it came from, so one bad record never
 * stops the app and never disappears.
 */
public final class InputParser<T> implements FixedKeyProcessor<String, byte[], Parsed<T>> {

    public static final String REASON_HEADER = "tocsin.dead-letter.reason";
    public static final String TOPIC_HEADER = "tocsin.dead-letter.topic";
    public static final String PARTITION_HEADER = "tocsin.dead-letter.partition";
    public static final String OFFSET_HEADER = "tocsin.dead-letter.offset";

    /** How an input event is parsed. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(byte[] raw) throws InvalidEventException;
    }

    /** The stream time a parsed event carries downstream, from the event and its record (append) time. */
    @FunctionalInterface
    public interface TimestampRule<T> {
        long timestamp(T event, long recordTime);
    }

    private final Parser<T> parser;
    private final TimestampRule<T> timestampRule;
    private FixedKeyProcessorContext<String, Parsed<T>> context;
    private Sensor deadLetters;

    public InputParser(Parser<T> parser, TimestampRule<T> timestampRule) {
        this.parser = parser;
        this.timestampRule = timestampRule;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Parsed<T>> context) {
        this.context = context;
        this.deadLetters = Counters.counter(context, "dead-letters");
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        T event;
        try {
            event = parser.parse(record.value());
        } catch (InvalidEventException | RuntimeException e) {
            refuse(record, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return;
        } catch (StackOverflowError e) {
            // last line of defence against hostile nesting: one bad record must not kill the stream thread
            refuse(record, "nested too deeply to read");
            return;
        }
        Headers headers = record.headers();
        headers.remove(Topics.APPEND_TIME_HEADER);
        headers.add(Topics.APPEND_TIME_HEADER, Long.toString(record.timestamp()).getBytes(StandardCharsets.US_ASCII));
        context.forward(record.withValue(Parsed.ok(event)).withHeaders(headers)
                .withTimestamp(timestampRule.timestamp(event, record.timestamp())));
    }

    private void refuse(FixedKeyRecord<String, byte[]> record, String reason) {
        deadLetters.record();
        Headers headers = record.headers();
        headers.remove(REASON_HEADER);
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        context.recordMetadata().ifPresent(m -> {
            headers.add(TOPIC_HEADER, m.topic().getBytes(StandardCharsets.UTF_8));
            headers.add(PARTITION_HEADER, String.valueOf(m.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add(OFFSET_HEADER, String.valueOf(m.offset()).getBytes(StandardCharsets.UTF_8));
        });
        context.forward(record.withValue(Parsed.<T>refused(record.value(), reason)).withHeaders(headers));
    }
}
