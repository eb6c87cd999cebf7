package io.tocsin.errors;

import java.time.Duration;

/**
 * The throttle's settings.
 *
 * @param limit          alerts per group per window
 * @param window         window length, from the group's first occurrence
 * @param grace          how late (event time) an occurrence may arrive and still land in its window; a window closes
 *                       (and digests) when its group's own events pass its end plus this
 * @param digestMaxDelay a wall-clock sweep closes windows whose end plus grace is this far in the past, once their
 *                       group has had no event for this long, so a quiet error's digest still arrives
 * @param wallClockSweep whether that sweep runs (replay drives the same wall clock, from the records' times)
 * @param sweepInterval  how often windows are checked for closing
 * @param dedupeWindow   how long an event id is remembered to drop duplicates (e.g. a replayed agent spool)
 * @param retention      a group idle this long, its window closed, is dropped from state
 * @param sampleInterval a group's sample (its latest whole event) is refreshed at most this often, in event time
 * @param publishInterval changed groups are published this often (wall clock), each once however often it changed;
 *                       zero publishes every change at once
 */
public record ThrottleRules(
        int limit,
        Duration window,
        Duration grace,
        Duration digestMaxDelay,
        boolean wallClockSweep,
        Duration sweepInterval,
        Duration dedupeWindow,
        Duration retention,
        Duration sampleInterval,
        Duration publishInterval) {

    public ThrottleRules {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
    }
}
