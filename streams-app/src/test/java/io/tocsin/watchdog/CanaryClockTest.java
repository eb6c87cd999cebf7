package io.tocsin.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Canary;
import org.junit.jupiter.api.Test;

class CanaryClockTest {

    @Test
    void aRoundCountsOnlyWhenBothPartsCameThrough() {
        CanaryClock clock = new CanaryClock();
        java.time.Instant sent = java.time.Instant.parse("2026-11-26T10:00:00Z");
        clock.delivered(Canary.alert(Canary.Part.EXCEPTION, "a-0", sent));
        assertThat(clock.roundTrip("a-0")).isEqualTo(Long.MIN_VALUE);

        clock.delivered(Canary.alert(Canary.Part.HEARTBEAT, "a-0", sent));
        assertThat(clock.roundTrip("a-0")).isEqualTo(sent.toEpochMilli());

        clock.delivered(Canary.alert(Canary.Part.EXCEPTION, "a-0", sent.plusSeconds(60)));
        assertThat(clock.roundTrip("a-0")).as("the next round is half through").isEqualTo(sent.toEpochMilli());
        assertThat(clock.roundTrip("b-0")).isEqualTo(Long.MIN_VALUE);
    }
}
