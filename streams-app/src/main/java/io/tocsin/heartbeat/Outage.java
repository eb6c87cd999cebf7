package io.tocsin.heartbeat;

import java.util.ArrayList;
import java.util.List;

/**
 * How an instance's outages have been reported.
 *
 * @param alertId     the alert that announced the current outage; null while none is announced
 * @param kind        whether it was announced alone, as part of a whole service, or as flapping
 * @param recentDowns epoch ms of recent downs, for flap detection
 * @param flapping    reported as flapping; no down/up alerts until stable again
 * @param recoveredFrom the announcing alert of the last outage it came back from (a service outage ends when all
 *                      its instances have)
 */
public record Outage(String alertId, Kind kind, List<Long> recentDowns, boolean flapping, String recoveredFrom) {

    public enum Kind { INSTANCE, SERVICE, FLAPPING }

    public static final Outage NONE = new Outage(null, null, List.of(), false, null);

    public Outage {
        recentDowns = recentDowns == null ? List.of() : List.copyOf(recentDowns);
    }

    /** A new down at {@code at}, forgetting downs older than the window. */
    public Outage down(long at, long windowMs) {
        List<Long> downs = new ArrayList<>();
        for (long d : recentDowns) {
            if (at - d < windowMs) {
                downs.add(d);
            }
        }
        downs.add(at);
        return new Outage(null, null, downs, flapping, recoveredFrom);
    }

    public Outage announced(String id, Kind how) {
        return new Outage(id, how, recentDowns, flapping || how == Kind.FLAPPING, recoveredFrom);
    }

    public Outage recovered() {
        return new Outage(null, null, recentDowns, flapping, alertId);
    }

    public Outage stable() {
        return new Outage(alertId, kind, recentDowns, false, recoveredFrom);
    }

    public long lastDown() {
        return recentDowns.isEmpty() ? Long.MIN_VALUE : recentDowns.get(recentDowns.size() - 1);
    }
}
