package io.tocsin.errors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A group's occurrences per hour of event time over its last {@value #HOURS} hours with any (the console's sparkline,
 * and its "last hour" and "last day" counts): {@code counts} oldest first, the last one the hour starting at
 * {@code newestHour} (epoch ms). At most {@value #HOURS} numbers per group, whatever the traffic; an occurrence
 * older than that relative to the newest is counted in the group's totals only.
 */
public record HourlyCounts(long newestHour, List<Long> counts) {

    public static final int HOURS = 24;
    static final long HOUR_MS = 3_600_000L;
    static final HourlyCounts NONE = new HourlyCounts(0, List.of());

    public HourlyCounts {
        counts = counts == null ? List.of() : List.copyOf(counts);
    }

    HourlyCounts add(long at, long occurrences) {
        long hour = Math.floorDiv(at, HOUR_MS) * HOUR_MS;
        if (counts.isEmpty() || hour - newestHour >= HOURS * HOUR_MS) {
            return new HourlyCounts(hour, List.of(occurrences));
        }
        List<Long> out = new ArrayList<>(counts);
        long newest = newestHour;
        if (hour > newest) {
            out.addAll(Collections.nCopies((int) ((hour - newest) / HOUR_MS), 0L));
            newest = hour;
        }
        int back = (int) Math.min(HOURS, (newest - hour) / HOUR_MS);
        if (back >= HOURS) {
            return new HourlyCounts(newest, trimmed(out));
        }
        if (back >= out.size()) {
            out.addAll(0, Collections.nCopies(back - out.size() + 1, 0L));
        }
        int index = out.size() - 1 - back;
        out.set(index, out.get(index) + occurrences);
        return new HourlyCounts(newest, trimmed(out));
    }

    private static List<Long> trimmed(List<Long> counts) {
        return counts.size() <= HOURS ? counts : counts.subList(counts.size() - HOURS, counts.size());
    }
}
