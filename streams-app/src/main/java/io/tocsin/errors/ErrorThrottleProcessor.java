package io.tocsin.errors;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.Frame;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Reads exception events keyed by fingerprint (record time = event time) and writes {@code ERROR} alerts by the
 * {@link CapThenResetThrottle} rule. Group state lives in a persistent key-value store backed by a changelog, so a
 * restart forgets no count.
 */
public final class ErrorThrottleProcessor implements Processor<String, GroupedError, String, Alert> {

    private static final int TOP_FRAMES_IN_TEXT = 3;

    private final String storeName;
    private final CapThenResetThrottle throttle;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, ErrorGroupState> groups;

    public ErrorThrottleProcessor(String storeName, CapThenResetThrottle throttle) {
        this.storeName = storeName;
        this.throttle = throttle;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.groups = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, GroupedError> record) {
        GroupedError error = record.value();
        if (error == null || record.key() == null) {
            return;
        }
        CapThenResetThrottle.Decision decision = throttle.apply(groups.get(record.key()), error, record.timestamp());
        groups.put(record.key(), decision.state());
        OptionalLong occurrence = decision.alertOccurrence();
        if (occurrence.isPresent()) {
            Alert alert = errorAlert(decision.state(), error.event(), record.timestamp(), (int) occurrence.getAsLong());
            context.forward(new Record<>(record.key(), alert, record.timestamp()));
        }
    }

    private Alert errorAlert(ErrorGroupState group, ExceptionEvent event, long eventTime, int occurrence) {
        return new Alert(Alert.TYPE, EventCodec.VERSION,
                Alert.idOf(AlertKind.ERROR, group.fingerprint(), group.windowStart(), occurrence),
                AlertKind.ERROR, group.fingerprint(), event.service(), event.environment(), event.instance(),
                Instant.ofEpochMilli(eventTime), group.title(), text(event), occurrence, throttle.limit(),
                Instant.ofEpochMilli(group.windowStart()), Instant.ofEpochMilli(group.windowEnd()), 0, Alert.DEFAULT_ROUTE);
    }

    /** The raw detail people need: message, top in-app frames, request. Escaping is the delivery's job. */
    private static String text(ExceptionEvent event) {
        StringBuilder text = new StringBuilder(event.exception().type());
        if (event.exception().message() != null) {
            text.append(": ").append(event.exception().message());
        }
        String frames = event.exception().frames().stream()
                .filter(Frame::inApp)
                .limit(TOP_FRAMES_IN_TEXT)
                .map(f -> "at " + f.className() + "." + f.method() + (f.line() != null && f.line() > 0 ? ":" + f.line() : ""))
                .collect(Collectors.joining("\n"));
        if (!frames.isEmpty()) {
            text.append('\n').append(frames);
        }
        if (event.request() != null && event.request().url() != null) {
            text.append("\nrequest: ").append(event.request().method() == null ? "" : event.request().method() + " ")
                    .append(event.request().url());
        }
        return text.toString();
    }
}
