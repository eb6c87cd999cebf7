package io.tocsin.watchdog;

import io.tocsin.model.Canary;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class WatchdogTest {

    @Test
    void theCanaryKeyLandsOnThePartitionTheProducerPicks() {
        for (int partitions : new int[] {1, 3, 7, 64}) {
            for (int n = 0; n < 500; n++) {
                String key = "tocsin-canary/10.0.0.5-8080-" + n;
                assertThat(Watchdog.partitionOf(key, partitions))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

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
