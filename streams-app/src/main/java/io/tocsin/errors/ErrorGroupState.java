package io.tocsin.errors;

/**
 * What the throttle remembers per fingerprint (times in epoch ms of event time): the current window, how many
 * occurrences it has seen and how many alerts it has sent, and lifetime figures for the group.
 */
public record ErrorGroupState(
        String fingerprint,
        String title,
        String service,
        String environment,
        long windowStart,
        long windowEnd,
        long windowCount,
        int alertsSent,
        long totalCount,
        long firstSeen,
        long lastSeen) {

    /** Occurrences of the current window that were counted but not alerted. */
    public long suppressed() {
        return Math.max(0, windowCount - alertsSent);
    }
}
