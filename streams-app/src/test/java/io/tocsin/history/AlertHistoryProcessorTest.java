package io.tocsin.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.topology.JsonSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class AlertHistoryProcessorTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private final EventCodec codec = new EventCodec();

    @Test
    void theSweepReadsABoundedBatchPerTickAndResumesWhereItStopped() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        KeyValueStore<String, AlertHistory> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("h"), Serdes.String(),
                new JsonSerde<>(AlertHistory.class, codec)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        AlertHistoryProcessor processor = new AlertHistoryProcessor("h", codec, Duration.ofDays(7), Duration.ofMinutes(1), 2);
        processor.init(context);
        for (int i = 1; i <= 5; i++) {
            decide(processor, "v1-old-" + i, T0); // nothing since T0
        }
        decide(processor, "v1-new", T0.plus(Duration.ofDays(8)));

        List<Integer> left = new ArrayList<>();
        for (int tick = 0; tick < 4; tick++) {
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(T0.plus(Duration.ofDays(8)).toEpochMilli());
            left.add(count(store));
        }

        assertThat(left).as("keys left after each tick, two read per tick, the fresh one (first in order) kept").containsExactly(5, 3, 1, 1);
        assertThat(store.get(AlertHistory.storeKey(AlertKind.ERROR, "v1-new"))).isNotNull();
    }

    private void decide(AlertHistoryProcessor processor, String fingerprint, Instant at) {
        Alert a = Alert.error(Alert.idOf(fingerprint), new Alert.Subject(fingerprint, "orders", "prod", "orders-1"), at, "t", "x",
                1, 5, at, at.plusSeconds(3600));
        byte[] value = codec.write(DeliveryUpdate.of(a, "default", DeliveryState.DELIVERED, null, 0, at));
        processor.process(new Record<>(fingerprint, value, at.toEpochMilli()));
    }

    private static int count(KeyValueStore<String, AlertHistory> store) {
        int n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
