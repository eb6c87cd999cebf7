package io.tocsin.errors;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The rule at the heart of Tocsin: per group, a window opens at the first occurrence (event time) and lasts
 * {@code window}; the occurrences that bring the window's count up to {@code limit} alert (one alert per event at
 * most, even when an event stands for many occurrences), later ones are only counted; the first occurrence after
 * the window has ended opens a new window and alerts again.
 */
public final class CapThenResetThrottle {

    private final int limit;
    private final long windowMs;

    public CapThenResetThrottle(int limit, Duration window) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        this.limit = limit;
        this.windowMs = window.toMillis();
    }

    public int limit() {
        return limit;
    }

    /** The new state, and the occurrence number to alert with if this event alerts. */
    public record Decision(ErrorGroupState state, OptionalLong alertOccurrence) {
    }

    public Decision apply(ErrorGroupState previous, GroupedError error, long eventTime) {
        long count = error.event().count();
        ErrorGroupState base = previous == null || eventTime >= previous.windowEnd()
                ? openWindow(previous, error, eventTime)
                : previous;
        long before = base.windowCount();
        long after = before + count;
        boolean alerts = before < limit;
        ErrorGroupState next = new ErrorGroupState(base.fingerprint(), error.title(), base.service(), base.environment(),
                base.windowStart(), base.windowEnd(), after, base.alertsSent() + (alerts ? 1 : 0),
                base.totalCount() + count, Math.min(base.firstSeen(), eventTime), Math.max(base.lastSeen(), eventTime));
        return new Decision(next, alerts ? OptionalLong.of(Math.min(after, limit)) : OptionalLong.empty());
    }

    private ErrorGroupState openWindow(ErrorGroupState previous, GroupedError error, long eventTime) {
        long total = previous == null ? 0 : previous.totalCount();
        long firstSeen = previous == null ? eventTime : previous.firstSeen();
        long lastSeen = previous == null ? eventTime : previous.lastSeen();
        return new ErrorGroupState(error.fingerprint(), error.title(), error.event().service(), error.event().environment(),
                eventTime, eventTime + windowMs, 0, 0, total, firstSeen, lastSeen);
    }
}
