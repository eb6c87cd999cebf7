package io.tocsin.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.binder.kafka.KafkaMetricsBinding;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tocsin.config.AppConfig;
import io.tocsin.heartbeat.InputReadiness;
import io.tocsin.topology.AlertTopology;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The topology's RocksDB stores (key-value and window ones) opened under TopologyTestDriver, their Kafka metrics bound
 * by Micrometer's Kafka binder to a Prometheus registry as the app does: every store's meters reach the scrape.
 */
class StateStoreMetersTest {

    private static final Pattern STORE_METER = Pattern.compile(
            "^(kafka_stream_state_[a-z0-9_]+?)(?:_total)?\\{[^}]*[{,]state_id=\"([^\"]+)\"", Pattern.MULTILINE);

    @Test
    void everyRocksDbStoreOfTheTopologyReachesThePrometheusScrape() throws Exception {
        try (TopologyTestDriver driver = driver()) {
            Set<String> expected = new TreeSet<>();
            Set<String> tagKeys = new TreeSet<>();
            driver.metrics().keySet().forEach(m -> m.tags().forEach((k, v) -> {
                if (m.group().equals("stream-state-metrics") && k.startsWith("rocksdb") && k.endsWith("-state-id")) {
                    expected.add("kafka_stream_state_" + m.name().replace('-', '_').replaceFirst("_total$", "") + " " + v);
                    tagKeys.add(k);
                }
            }));
            assertThat(tagKeys).as("the topology has key-value and window stores on RocksDB")
                    .containsExactlyInAnyOrder("rocksdb-state-id", "rocksdb-window-state-id");

            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.config().meterFilter(StateStoreMeters.oneStoreTag());
            try (AutoCloseable binding = KafkaMetricsBinding.bind(driver::metrics, registry)) {
                Set<String> scraped = new TreeSet<>();
                Matcher m = STORE_METER.matcher(registry.scrape());
                while (m.find()) {
                    scraped.add(m.group(1) + " " + m.group(2));
                }
                assertThat(scraped).as("state meters (name, store) in the scrape").containsAll(expected);
            }
        }
    }

    private static TopologyTestDriver driver() throws Exception {
        AppConfig config = AppConfig.fromMap(Map.of());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tocsin-meters-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("tocsin-meters-").toString());
        return new TopologyTestDriver(AlertTopology.build(config, InputReadiness.ALWAYS), props);
    }
}
