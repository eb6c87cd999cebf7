package io.tocsin.errors;

/**
 * One throttle window of a group (times in epoch ms of event time): how many occurrences it counted, how many alerts
 * it sent, how many occurrences it suppressed, how many arrived too late to count in any window while it was the
 * group's window (reported with its digest), and whether it has been closed (its digest, if any, emitted).
 */
public record ErrorWindow(long start, long end, long count, int alerts, long suppressed, long lastSeen, boolean closed, long late) {

    static ErrorWindow open(long at, long lengthMs) {
        return new ErrorWindow(at, at + lengthMs, 0, 0, 0, at, false, 0);
    }

    boolean contains(long t) {
        return t >= start && t < end;
    }

    ErrorWindow alerted(long occurrences, long at) {
        return new ErrorWindow(start, end, count + occurrences, alerts + 1, suppressed, Math.max(lastSeen, at), closed, late);
    }

    ErrorWindow suppressed(long occurrences, long at) {
        return new ErrorWindow(start, end, count + occurrences, alerts, suppressed + occurrences, Math.max(lastSeen, at), closed, late);
    }

    ErrorWindow withLate(long occurrences) {
        return new ErrorWindow(start, end, count, alerts, suppressed, lastSeen, closed, late + occurrences);
    }

    ErrorWindow close() {
        return new ErrorWindow(start, end, count, alerts, suppressed, lastSeen, true, late);
    }

    /** Whether closing it has anything to tell: occurrences it suppressed or that came too late. */
    boolean worthADigest() {
        return suppressed > 0 || late > 0;
    }
}
