package io.tocsin.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HourlyCountsTest {

    private static final long H = HourlyCounts.HOUR_MS;
    private static final long T0 = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();

    @Test
    void occurrencesLandInTheHourOfTheirEventTimeWithEmptyHoursBetween() {
        HourlyCounts c = HourlyCounts.NONE.add(T0 + 5_000, 1).add(T0 + 59 * 60_000, 2).add(T0 + 3 * H + 1, 4);

        assertThat(c.newestHour()).isEqualTo(T0 + 3 * H);
        assertThat(c.counts()).containsExactly(3L, 0L, 0L, 4L);
    }

    @Test
    void aLateOccurrenceCountsInItsOwnHourEvenBeforeTheFirstOneKept() {
        HourlyCounts c = HourlyCounts.NONE.add(T0 + 2 * H, 1).add(T0 + H + 10, 1).add(T0 - 2 * H, 5);

        assertThat(c.newestHour()).isEqualTo(T0 + 2 * H);
        assertThat(c.counts()).containsExactly(5L, 0L, 0L, 1L, 1L);
    }

    @Test
    void onlyTheLastTwentyFourHoursAreKept() {
        HourlyCounts c = HourlyCounts.NONE;
        for (int h = 0; h < 30; h++) {
            c = c.add(T0 + h * H, h);
        }
        assertThat(c.counts()).hasSize(HourlyCounts.HOURS).startsWith(6L).endsWith(29L);
        assertThat(c.add(T0, 100).counts()).as("older than the day kept: not in the buckets").isEqualTo(c.counts());
        assertThat(c.add(T0 + 60 * H, 7).counts()).as("a day or more of silence starts afresh").containsExactly(7L);
    }
}
