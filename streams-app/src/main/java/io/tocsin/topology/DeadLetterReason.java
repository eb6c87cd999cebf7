package io.tocsin.topology;

import io.tocsin.model.InvalidEventException;
import java.util.Locale;

/**
 * Why the parse step refused a record, as a fixed set of categories: the {@code reason} label of the dead-letter
 * counter. The free-text reason stays in the dead letter's header, never in a label.
 */
public enum DeadLetterReason {
    /** Not an event at all: empty, not UTF-8, not JSON, not an object, nested too deeply. */
    MALFORMED,
    /** JSON that breaks the event schema. */
    INVALID,
    UNSUPPORTED_VERSION,
    BAD_TIMESTAMP,
    TOO_LARGE,
    /** The parser itself failed on the record (a bug): the record is set aside all the same. */
    PARSER_FAILURE;

    /** The label value: {@code malformed}, {@code unsupported_version}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DeadLetterReason of(InvalidEventException.Kind kind) {
        return switch (kind) {
            case MALFORMED -> MALFORMED;
            case INVALID -> INVALID;
            case UNSUPPORTED_VERSION -> UNSUPPORTED_VERSION;
            case BAD_TIMESTAMP -> BAD_TIMESTAMP;
            case TOO_LARGE -> TOO_LARGE;
        };
    }
}
