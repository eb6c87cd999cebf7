package io.tocsin.model;

/**
 * Input that cannot be parsed or fails validation; the message is the reason given on the dead-letter record, the
 * {@link Kind} its category (a fixed set, fit for a metric label).
 */
public final class InvalidEventException extends Exception {

    /** What kind of wrong the input is. */
    public enum Kind {
        /** Not an event at all: empty, not UTF-8, not JSON, not a JSON object. */
        MALFORMED,
        /** JSON that breaks the event schema: a field missing, of the wrong type or too long. */
        INVALID,
        /** A major {@code version} this app does not read. */
        UNSUPPORTED_VERSION,
        /** A {@code timestamp} that is not an ISO-8601 instant. */
        BAD_TIMESTAMP,
        /** Too large even once cut. */
        TOO_LARGE
    }

    private final Kind kind;

    public InvalidEventException(String reason) {
        this(Kind.INVALID, reason);
    }

    public InvalidEventException(String reason, Throwable cause) {
        this(Kind.INVALID, reason, cause);
    }

    public InvalidEventException(Kind kind, String reason) {
        super(reason);
        this.kind = kind;
    }

    public InvalidEventException(Kind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
