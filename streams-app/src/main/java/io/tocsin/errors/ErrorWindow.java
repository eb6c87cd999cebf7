package io.tocsin.errors;

import java.util.ArrayList;
import java.util.List;

/**
 * One throttle window of a group (times in epoch ms of event time): how many occurrences it counted, how many alerts
 * it sent, how many occurrences it suppressed, how many arrived too late to count in any window while it was the
 * group's window (reported with its digest), and whether it has been closed (its digest, if any, emitted).
 *
 * <p>{@code alertedIds} are the ids of the events that alerted in it (at most the limit): a duplicate of one of those
 * is recognised for as long as the window is open, however old, so a resent event can never alert twice.
 */
public record ErrorWindow(long start, long end, long count, int alerts, long suppressed, long lastSeen, boolean closed, long late,
                          List<String> alertedIds) {

    public ErrorWindow {
        alertedIds = alertedIds == null ? List.of() : List.copyOf(alertedIds);
    }

    static ErrorWindow open(long at, long lengthMs) {
        return new ErrorWindow(at, at + lengthMs, 0, 0, 0, at, false, 0, List.of());
    }

    boolean contains(long t) {
        return t >= start && t < end;
    }

    ErrorWindow alerted(long occurrences, long at, String eventId) {
        List<String> ids = new ArrayList<>(alertedIds);
        if (eventId != null) {
            ids.add(eventId);
        }
        return new ErrorWindow(start, end, count + occurrences, alerts + 1, suppressed, Math.max(lastSeen, at), closed, late, ids);
    }

    boolean alertedOn(String eventId) {
        return eventId != null && alertedIds.contains(eventId);
    }

    ErrorWindow suppressed(long occurrences, long at) {
        return new ErrorWindow(start, end, count + occurrences, alerts, suppressed + occurrences, Math.max(lastSeen, at), closed, late, alertedIds);
    }

    ErrorWindow withLate(long occurrences) {
        return new ErrorWindow(start, end, count, alerts, suppressed, lastSeen, closed, late + occurrences, alertedIds);
    }

    ErrorWindow close() {
        return new ErrorWindow(start, end, count, alerts, suppressed, lastSeen, true, late, alertedIds);
    }

    /** Whether closing it has anything to tell: occurrences it suppressed or that came too late. */
    boolean worthADigest() {
        return suppressed > 0 || late > 0;
    }
}
