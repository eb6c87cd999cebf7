package io.tocsin.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Dependency-aware suppression: while {@code source} is down (SERVICE_DOWN, or INSTANCE_DOWN of one of its instances)
 * in an environment, alerts of the {@code targets} in that same environment are held (recorded, not posted) and listed
 * in the source's recovery message. One root cause, one page. An outage holds alerts back for at most
 * {@code maxDuration} after it began (by the alerts' own times): a root whose recovery never comes (its pods replaced
 * under new names, an instance decommissioned) must not silence its dependents for good.
 */
public record InhibitRule(String name, String source, Set<String> targets, Duration maxDuration) {

    public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(2);

    /** Whether an outage that began at {@code downAt} still holds back an alert of time {@code at}. */
    public boolean holds(Instant downAt, Instant at) {
        return at.isBefore(downAt.plus(maxDuration));
    }
}
