package io.tocsin.errors;

/**
 * One throttle window of a group (times in epoch ms of event time): how many occurrences it counted, how many alerts
 * it sent, how many occurrences it suppressed, and whether it has been closed (its digest, if any, emitted).
 */
public record ErrorWindow(long start, long end, long count, int alerts, long suppressed, long lastSeen, boolean closed) {

    static ErrorWindow open(long at, long lengthMs) {
        return new ErrorWindow(at, at + lengthMs, 0, 0, 0, at, false);
    }

    boolean contains(long t) {
        return t >= start && t < end;
    }

    ErrorWindow alerted(long occurrences, long at) {
        return new ErrorWindow(start, end, count + occurrences, alerts + 1, suppressed, Math.max(lastSeen, at), closed);
    }

    ErrorWindow suppressed(long occurrences, long at) {
        return new ErrorWindow(start, end, count + occurrences, alerts, suppressed + occurrences, Math.max(lastSeen, at), closed);
    }

    ErrorWindow close() {
        return new ErrorWindow(start, end, count, alerts, suppressed, lastSeen, true);
    }
}
