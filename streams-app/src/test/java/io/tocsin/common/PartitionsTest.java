package io.tocsin.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class PartitionsTest {

    @Test
    void aKeyLandsOnThePartitionTheProducerPicks() {
        for (int partitions : new int[] {1, 3, 7, 64}) {
            for (int n = 0; n < 500; n++) {
                String key = "tocsin-canary/10.0.0.5-8080-" + n;
                assertThat(Partitions.of(key, partitions))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }
}
