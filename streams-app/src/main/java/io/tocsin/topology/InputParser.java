package io.tocsin.topology;

import io.tocsin.metrics.Counters;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Parses raw input records. A valid event goes on with the timestamp its {@link TimestampRule} gives; anything else
 * goes on as raw bytes with dead-letter headers naming the reason and where it came from, so one bad record never
 * stops the app and never disappears. A dead letter keeps at most {@link #DEAD_LETTER_MAX_BYTES} of the record's key
 * and value, and says what it cut in {@link #CUT_HEADER}.
 *
 * <p>Counts {@code events-in} (every record read) and {@code dead-letters} (by {@link DeadLetterReason}), labelled
 * with the input's name ({@code errors}, {@code heartbeats}).
 */
public final class InputParser<T> implements FixedKeyProcessor<String, byte[], Parsed<T>> {

    public static final String REASON_HEADER = "tocsin.dead-letter.reason";
    public static final String TOPIC_HEADER = "tocsin.dead-letter.topic";
    public static final String PARTITION_HEADER = "tocsin.dead-letter.partition";
    public static final String OFFSET_HEADER = "tocsin.dead-letter.offset";
    /** Present when the dead letter keeps only the start of the record's value or key: what was kept of how much. */
    public static final String CUT_HEADER = "tocsin.dead-letter.cut";
    /**
     * Key and value of a dead letter together, at most: under the 1 MiB Kafka's producer sends by default, with room
     * for the headers. A refused record can be as large as the broker takes; written whole with the headers on top it
     * would be too large to send, and under exactly-once a record the producer refuses fails the whole transaction
     * (whatever the production exception handler answers): the task would fail on the same record again and again.
     */
    public static final int DEAD_LETTER_MAX_BYTES = 1_000_000;
    /** A dead letter's key, at most (a real key is {@code service/instance}, 513 characters at most). */
    static final int DEAD_LETTER_MAX_KEY_CHARS = 4_096;

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

    private final String input;
    private final Parser<T> parser;
    private final TimestampRule<T> timestampRule;
    private FixedKeyProcessorContext<String, Parsed<T>> context;
    private Sensor eventsIn;
    private final Map<DeadLetterReason, Sensor> deadLetters = new EnumMap<>(DeadLetterReason.class);

    /** Parses the input named {@code input} (a fixed name such as {@code errors}: it labels the counters). */
    public InputParser(String input, Parser<T> parser, TimestampRule<T> timestampRule) {
        this.input = input;
        this.parser = parser;
        this.timestampRule = timestampRule;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Parsed<T>> context) {
        this.context = context;
        this.eventsIn = Counters.counter(context, "events-in", "input", input);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(reason, Counters.counter(context, "dead-letters", "input", input, "reason", reason.label()));
        }
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        eventsIn.record();
        T event;
        try {
            event = parser.parse(record.value());
        } catch (InvalidEventException e) {
            refuse(record, DeadLetterReason.of(e.kind()), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return;
        } catch (RuntimeException e) {
            refuse(record, DeadLetterReason.PARSER_FAILURE, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return;
        } catch (StackOverflowError e) {
            // last line of defence against hostile nesting: one bad record must not kill the stream thread
            refuse(record, DeadLetterReason.MALFORMED, "nested too deeply to read");
            return;
        }
        Headers headers = record.headers();
        headers.remove(Topics.APPEND_TIME_HEADER);
        headers.add(Topics.APPEND_TIME_HEADER, Long.toString(record.timestamp()).getBytes(StandardCharsets.US_ASCII));
        context.forward(record.withValue(Parsed.ok(event)).withHeaders(headers)
                .withTimestamp(timestampRule.timestamp(event, record.timestamp())));
    }

    private void refuse(FixedKeyRecord<String, byte[]> record, DeadLetterReason category, String reason) {
        deadLetters.get(category).record();
        Headers headers = record.headers();
        headers.remove(REASON_HEADER);
        headers.remove(CUT_HEADER);
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        String key = deadLetterKey(record.key());
        if (key != null && key.length() < record.key().length()) {
            headers.add(CUT_HEADER, ("key: first " + key.length() + " of " + record.key().length() + " characters kept")
                    .getBytes(StandardCharsets.UTF_8));
        }
        byte[] value = record.value();
        int room = DEAD_LETTER_MAX_BYTES - (key == null ? 0 : key.getBytes(StandardCharsets.UTF_8).length);
        if (value != null && value.length > room) {
            headers.add(CUT_HEADER, ("value: first " + room + " of " + value.length + " bytes kept").getBytes(StandardCharsets.UTF_8));
            value = Arrays.copyOf(value, room);
        }
        context.recordMetadata().ifPresent(m -> {
            headers.add(TOPIC_HEADER, m.topic().getBytes(StandardCharsets.UTF_8));
            headers.add(PARTITION_HEADER, String.valueOf(m.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add(OFFSET_HEADER, String.valueOf(m.offset()).getBytes(StandardCharsets.UTF_8));
        });
        context.forward(record.withValue(Parsed.<T>refused(value, reason)).withHeaders(headers));
    }

    /** The key a dead letter is written with: the record's, cut to {@value #DEAD_LETTER_MAX_KEY_CHARS} characters. */
    static String deadLetterKey(String key) {
        return key == null || key.length() <= DEAD_LETTER_MAX_KEY_CHARS ? key : key.substring(0, DEAD_LETTER_MAX_KEY_CHARS);
    }
}
