package io.tocsin.routing;

import java.util.Set;

/**
 * Dependency-aware suppression: while {@code source} is down (SERVICE_DOWN, or INSTANCE_DOWN of one of its instances)
 * in an environment, alerts of the {@code targets} in that same environment are held (recorded, not posted) and listed
 * in the source's recovery message. One root cause, one page.
 */
public record InhibitRule(String name, String source, Set<String> targets) {
}
