package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tocsin.model.ConfigException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.junit.jupiter.api.Test;

class BoundedRocksDbMemoryTest {

    private static final long BOUND = 16L << 20;

    @Test
    void everyStoreChargesOneSharedCacheThatStaysWithinItsBound() throws Exception {
        try (BoundedRocksDbMemory.Shared memory = BoundedRocksDbMemory.Shared.of(BOUND)) {
            StreamsBuilder builder = new StreamsBuilder();
            for (String name : new String[] {"a", "b", "c"}) {
                builder.table(name, Consumed.with(Serdes.String(), Serdes.String()), Materialized.as("store-" + name));
            }
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "rocksdb-memory-test");
            p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("tocsin-rocksdb-").toString());
            p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
            p.put(BoundedRocksDbMemory.SHARED, memory);
            String value = "x".repeat(4_000);
            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
                for (String name : new String[] {"a", "b", "c"}) {
                    TestInputTopic<String, String> in = driver.createInputTopic(name, new StringSerializer(), new StringSerializer());
                    for (int i = 0; i < 5_000; i++) { // 20 MB per store, 60 MB in all, against a 16 MB bound
                        in.pipeInput("key-" + i, value);
                    }
                }
                assertThat(memory.cache().getUsage()).as("memtables and blocks charged to the shared cache").isPositive();
                assertThat(memory.cache().getUsage()).as("within the bound (LRU, not strict: a little slack)")
                        .isLessThanOrEqualTo(BOUND + BOUND / 4);
            }
        }
    }

    @Test
    void aStoreOpenedWithoutTheAppsSharedMemoryFailsLoudly() {
        assertThatThrownBy(() -> new BoundedRocksDbMemory().setConfig("s", new org.rocksdb.Options(), Map.of()))
                .hasMessageContaining(BoundedRocksDbMemory.SHARED);
    }

    @Test
    void theBoundIsASizeWithAUnitAndAFloor() {
        assertThat(AppConfig.fromMap(Map.of()).rocksDbMemory()).isEqualTo(256L << 20);
        assertThat(AppConfig.fromMap(Map.of("rocksdb.memory", "1g")).rocksDbMemory()).isEqualTo(1L << 30);
        assertThat(AppConfig.fromMap(Map.of("rocksdb.memory", "512MiB")).rocksDbMemory()).isEqualTo(512L << 20);
        assertThatThrownBy(() -> AppConfig.fromMap(Map.of("rocksdb.memory", "lots"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rocksdb.memory");
        assertThatThrownBy(() -> AppConfig.fromMap(Map.of("rocksdb.memory", "1m"))).hasMessageContaining("at least 16m");
    }
}
