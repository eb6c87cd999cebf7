package io.tocsin.errors;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything Tocsin keeps about one error group: the throttle's windows (the current one and, during the grace
 * period after it, the previous one) and the statistics published on {@code tocsin.error-groups} and the HTTP API.
 * Times are epoch ms of event time; {@code hourly} counts occurrences per hour, for the console. The group's sample
 * event is kept apart (it is most of a group's bytes and changes far less often than its counts).
 *
 * <p>{@code arrivedAt} is when its latest event was processed, by the wall clock: the sweep closes a window only once
 * its group has been quiet for the digest delay, so events arriving late in a burst (a drained spool, a catch-up) are
 * throttled as if on time.
 */
public record ErrorGroup(
        String fingerprint,
        String title,
        String service,
        String environment,
        long firstSeen,
        long lastSeen,
        long totalCount,
        long alertsSent,
        long lateCount,
        ErrorWindow current,
        ErrorWindow previous,
        List<String> instances,
        long arrivedAt,
        HourlyCounts hourly) {

    static final int MAX_INSTANCES = 20;

    public ErrorGroup {
        instances = instances == null ? List.of() : List.copyOf(instances);
        hourly = hourly == null ? HourlyCounts.NONE : hourly;
    }

    static ErrorGroup first(GroupedError e, long at) {
        return new ErrorGroup(e.fingerprint(), e.title(), e.event().service(), e.event().environment(), at, at, 0, 0, 0,
                null, null, List.of(), 0, HourlyCounts.NONE);
    }

    /** Counts an event everywhere but in a window. */
    ErrorGroup seen(GroupedError e, long at) {
        List<String> seenOn = new ArrayList<>(instances);
        seenOn.remove(e.event().instance());
        seenOn.add(0, e.event().instance());
        return new ErrorGroup(fingerprint, e.title(), service, environment, Math.min(firstSeen, at), Math.max(lastSeen, at),
                totalCount + e.event().count(), alertsSent, lateCount, current, previous,
                seenOn.subList(0, Math.min(MAX_INSTANCES, seenOn.size())), arrivedAt, hourly.add(at, e.event().count()));
    }

    ErrorGroup withWindows(ErrorWindow newCurrent, ErrorWindow newPrevious) {
        return new ErrorGroup(fingerprint, title, service, environment, firstSeen, lastSeen, totalCount, alertsSent, lateCount,
                newCurrent, newPrevious, instances, arrivedAt, hourly);
    }

    ErrorGroup withAlert() {
        return new ErrorGroup(fingerprint, title, service, environment, firstSeen, lastSeen, totalCount, alertsSent + 1,
                lateCount, current, previous, instances, arrivedAt, hourly);
    }

    /** Late occurrences count for the group and are reported with the digest of its window that is still open. */
    ErrorGroup withLate(long occurrences) {
        ErrorWindow reportedBy = current != null && !current.closed() ? current.withLate(occurrences) : current;
        return new ErrorGroup(fingerprint, title, service, environment, firstSeen, lastSeen, totalCount, alertsSent,
                lateCount + occurrences, reportedBy, previous, instances, arrivedAt, hourly);
    }

    ErrorGroup arrived(long wallClock) {
        return new ErrorGroup(fingerprint, title, service, environment, firstSeen, lastSeen, totalCount, alertsSent,
                lateCount, current, previous, instances, wallClock, hourly);
    }

    /** Whether nothing has arrived for it for {@code quietMs} by the wall clock at {@code now}. */
    boolean quietFor(long quietMs, long now) {
        return now - arrivedAt >= quietMs;
    }

    /** Whether the event alerted in a window still kept (so it is a duplicate, however old). */
    boolean alertedOn(String eventId) {
        return current != null && current.alertedOn(eventId) || previous != null && previous.alertedOn(eventId);
    }

    /** Occurrences in the current window, 0 when it has closed. */
    public long windowCount() {
        return current == null || current.closed() ? 0 : current.count();
    }
}
