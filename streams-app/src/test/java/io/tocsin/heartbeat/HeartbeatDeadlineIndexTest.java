package io.tocsin.heartbeat;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tocsin.config.AppConfig;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.InvalidEventException;
import io.tocsin.topology.Events;
import io.tocsin.topology.JsonSerde;
import io.tocsin.topology.StoreNames;
import io.tocsin.topology.TopologyFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The monitor's tick works from its deadline index: it reads only the instances whose deadline has passed, a mass
 * recovery does not rescan the service per instance, and the index survives a restart and is built on an upgrade.
 */
class HeartbeatDeadlineIndexTest {

    private static final Duration TICK = Duration.ofMillis(250);
    private static final Map<String, String> SETTINGS = Map.of("heartbeat.timeout", "10s", "heartbeat.check-interval", "250ms",
            "heartbeat.group.min", "3", "heartbeat.group.wait", "1s", "heartbeat.retention", "1h");

    private final EventCodec codec = new EventCodec();

    @Test
    void aTickWithThousandsOfHealthyInstancesReadsNoInstanceUntilOneMayBeSilent() throws InvalidEventException {
        try (Monitor monitor = new Monitor()) {
            int n = 2000;
            for (int i = 0; i < n; i++) {
                monitor.beat("chat-" + i, monitor.now);
            }

            long reads = monitor.ticksReading(Duration.ofSeconds(5));

            assertThat(reads).as("instance reads by 20 ticks, no deadline due yet").isZero();
        }
    }

    @Test
    void healthyInstancesAreReadOncePerTimeoutNotOncePerTick() throws InvalidEventException {
        try (Monitor monitor = new Monitor()) {
            int n = 500;
            long reads = 0;
            for (int round = 0; round < 10; round++) { // 30 s of heartbeats every 3 s: 120 ticks
                for (int i = 0; i < n; i++) {
                    monitor.beat("chat-" + i, monitor.now);
                }
                reads += monitor.ticksReading(Duration.ofSeconds(3));
            }

            assertThat(monitor.alerts).isEmpty();
            // each instance's silence deadline falls due about once per 10 s timeout: three times in 30 s, not 120
            assertThat(reads).isLessThanOrEqualTo(4L * n);
        }
    }

    @Test
    void aMassRecoveryReadsEachMemberAFewTimesNotTheServiceOncePerRecovery() throws InvalidEventException {
        try (Monitor monitor = new Monitor()) {
            int n = 300;
            for (int i = 0; i < n; i++) {
                monitor.beat("chat-" + i, monitor.now);
            }
            monitor.ticksReading(Duration.ofSeconds(12));
            assertThat(monitor.alerts).extracting(Alert::kind).containsExactly(AlertKind.SERVICE_DOWN);
            monitor.alerts.clear();

            long before = monitor.reads.get();
            for (int i = 0; i < n; i++) {
                monitor.beat("chat-" + i, monitor.now);
            }

            assertThat(monitor.alerts).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo(AlertKind.SERVICE_UP);
                assertThat(a.title()).contains(n + " instances back up");
            });
            // one read per heartbeat and one per member for the summary: 2n, where a rescan per recovery is n²/2
            assertThat(monitor.reads.get() - before).isLessThanOrEqualTo(3L * n);
        }
    }

    @Test
    void aMassOutageOfHundredsOfInstancesIsOneServiceDownAndOneServiceUp() {
        int n = 250;
        try (TopologyFixture topology = new TopologyFixture(SETTINGS)) {
            for (int i = 0; i < n; i++) {
                topology.heartbeat(Events.heartbeat("chat", "chat-" + i, T0, 3000, "UP"), T0);
            }
            topology.advanceWallClock(Duration.ofSeconds(15), TICK);
            assertThat(topology.alerts()).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo(AlertKind.SERVICE_DOWN);
                assertThat(a.title()).contains(n + " instances down");
                assertThat(a.timestamp()).isEqualTo(T0.plusSeconds(10));
            });

            Instant back = T0.plusSeconds(15);
            for (int i = 0; i < n - 1; i++) {
                topology.heartbeat(Events.heartbeat("chat", "chat-" + i, back, 3000, "UP"), back);
            }
            assertThat(topology.alerts()).as("no summary while one is still down").isEmpty();
            topology.heartbeat(Events.heartbeat("chat", "chat-" + (n - 1), back, 3000, "UP"), back);

            assertThat(topology.alerts()).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo(AlertKind.SERVICE_UP);
                assertThat(a.title()).contains(n + " instances back up");
                assertThat(a.text()).contains("chat-0:").contains("chat-" + (n - 1) + ":");
            });
        }
    }

    @Test
    void anUpgradeFromAStoreWithoutTheIndexBuildsItAndDetectsASilentInstance() {
        Path state;
        try (TopologyFixture before = new TopologyFixture(SETTINGS)) {
            before.heartbeat(Events.heartbeat("chat", "chat-1", T0, 3000, "UP"), T0);
            before.advanceWallClock(Duration.ofSeconds(5), TICK);
            before.clearStore(StoreNames.INSTANCE_INDEX); // as the scanning monitor left it: instances, no index
            assertThat(before.storeKeys(StoreNames.INSTANCE_INDEX)).isEmpty();
            assertThat(before.storeKeys(StoreNames.INSTANCES)).containsExactly("chat/chat-1");
            state = before.stopAndCopyState();
        }

        try (TopologyFixture after = new TopologyFixture(SETTINGS, state, T0.plusSeconds(5))) {
            assertThat(after.storeKeys(StoreNames.INSTANCE_INDEX)).as("built on start").isNotEmpty();
            after.advanceWallClock(Duration.ofSeconds(15), TICK);

            assertThat(after.alerts()).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo(AlertKind.INSTANCE_DOWN);
                assertThat(a.instance()).isEqualTo("chat-1");
                assertThat(a.timestamp()).isEqualTo(T0.plusSeconds(10));
            });
        }
    }

    @Test
    void aRestartKeepsTheDeadlinesPending() {
        Path state;
        try (TopologyFixture before = new TopologyFixture(SETTINGS)) {
            for (String i : List.of("chat-1", "chat-2", "chat-3")) {
                before.heartbeat(Events.heartbeat("chat", i, T0, 3000, "UP"), T0);
            }
            before.heartbeat(Events.heartbeat("orders", "orders-1", T0.plusSeconds(8), 3000, "UP"), T0.plusSeconds(8));
            // chat-1..3 are down at T0 + 10 s, waiting the group wait (1 s) for others: not announced yet
            before.advanceWallClock(Duration.ofMillis(10_500), TICK);
            assertThat(before.alerts()).isEmpty();
            state = before.stopAndCopyState();
        }

        try (TopologyFixture after = new TopologyFixture(SETTINGS, state, T0.plusMillis(10_500))) {
            after.advanceWallClock(Duration.ofSeconds(2), TICK);
            assertThat(after.alerts()).extracting(Alert::kind, Alert::timestamp)
                    .containsExactly(tuple(AlertKind.SERVICE_DOWN, T0.plusSeconds(10)));

            // orders-1 is silent from T0 + 18 s; after a restart no verdict before the task has run for a timeout (T0 + 20.5 s)
            after.advanceWallClock(Duration.ofMillis(7_500), TICK);
            assertThat(after.alerts()).isEmpty();
            after.advanceWallClock(Duration.ofSeconds(1), TICK);
            assertThat(after.alerts()).extracting(Alert::kind, Alert::instance, Alert::timestamp)
                    .containsExactly(tuple(AlertKind.INSTANCE_DOWN, "orders-1", T0.plusSeconds(18)));

            after.advanceWallClock(Duration.ofMinutes(61), Duration.ofSeconds(1));
            assertThat(after.storeKeys(StoreNames.INSTANCES)).as("forgotten after the retention").isEmpty();
            assertThat(after.storeKeys(StoreNames.INSTANCE_INDEX)).as("nothing left pending").containsExactly("meta/built");
        }
    }

    /**
     * The monitor alone under TopologyTestDriver, its instances store counting the values read from it, heartbeats fed
     * as signals, alerts collected.
     */
    private final class Monitor implements AutoCloseable {

        final AtomicLong reads = new AtomicLong();
        final List<Alert> alerts = new ArrayList<>();
        private final TopologyTestDriver driver;
        private final TestInputTopic<String, HeartbeatSignal> signals;
        Instant now = T0;

        Monitor() {
            HeartbeatRules rules = AppConfig.fromMap(SETTINGS).heartbeat();
            Topology topology = new Topology();
            topology.addSource("signals", Serdes.String().deserializer(),
                    new JsonSerde<>(HeartbeatSignal.class, codec).deserializer(), "signals");
            topology.addProcessor("monitor", () -> new HeartbeatMonitorProcessor(
                    new HeartbeatMonitorProcessor.Stores("instances", "index"), rules, InputReadiness.ALWAYS), "signals");
            topology.addProcessor("alerts", () -> (Processor<String, HeartbeatOutput, Void, Void>) r -> {
                if (r.value().isAlert()) {
                    alerts.add(r.value().alert());
                }
            }, "monitor");
            topology.addStateStore(Stores.keyValueStoreBuilder(CountingStore.counting(Stores.inMemoryKeyValueStore("instances"), reads),
                    Serdes.String(), new JsonSerde<>(InstanceEntry.class, codec)).withLoggingDisabled(), "monitor");
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("index"), Serdes.String(), Serdes.String())
                    .withLoggingDisabled(), "monitor");
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tocsin-monitor-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            driver = new TopologyTestDriver(topology, props, T0);
            signals = driver.createInputTopic("signals", new StringSerializer(), new JsonSerde<>(HeartbeatSignal.class, codec).serializer());
        }

        void beat(String instance, Instant at) throws InvalidEventException {
            String json = Events.heartbeat("chat", instance, at, 3000, "UP");
            signals.pipeInput("chat/" + instance, HeartbeatSignal.of(codec.parseHeartbeat(json.getBytes(StandardCharsets.UTF_8))), at);
        }

        /** Runs every tick of {@code d} of wall clock; the instance values those ticks read. */
        long ticksReading(Duration d) {
            long before = reads.get();
            for (Duration done = Duration.ZERO; done.compareTo(d) < 0; done = done.plus(TICK)) {
                driver.advanceWallClockTime(TICK);
                now = now.plus(TICK);
            }
            return reads.get() - before;
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
