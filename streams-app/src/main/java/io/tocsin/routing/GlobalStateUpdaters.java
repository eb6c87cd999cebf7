package io.tocsin.routing;

import io.tocsin.model.Alert;
import io.tocsin.model.Suppression;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keep the global stores every task reads: all silences, and the latest outage and recovery alerts (plus alerts held
 * back by an inhibition) from {@code tocsin.alerts}. On restore the topic is loaded as is, which only adds entries the
 * router ignores.
 */
public final class GlobalStateUpdaters {

    private GlobalStateUpdaters() {
    }

    public static final class Silences implements Processor<String, Silence, Void, Void> {
        private final String store;
        private KeyValueStore<String, Silence> silences;

        public Silences(String store) {
            this.store = store;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            silences = context.getStateStore(store);
        }

        @Override
        public void process(Record<String, Silence> record) {
            if (record.value() == null) {
                silences.delete(record.key());
            } else {
                silences.put(record.key(), record.value());
            }
        }
    }

    /**
     * Outages (until their recovery) and alerts an inhibition held back, for at most the inhibition horizon after
     * their time: past it they can neither hold anything back nor be listed, so they are dropped, keeping the store
     * (which every alert reads) the size of what is going on now. Swept by record time, at most once a minute.
     */
    public static final class AlertStates implements Processor<String, Alert, Void, Void> {
        private static final long SWEEP_EVERY_MS = 60_000;
        private final String store;
        private final Duration horizon;
        private KeyValueStore<String, Alert> states;
        private long lastSweep = Long.MIN_VALUE / 2;

        public AlertStates(String store, Duration horizon) {
            this.store = store;
            this.horizon = horizon;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            states = context.getStateStore(store);
        }

        @Override
        public void process(Record<String, Alert> record) {
            Alert a = record.value();
            if (a == null) {
                return;
            }
            if (AlertRouter.isRecovery(a.kind())) {
                states.delete(record.key());
            } else if (AlertRouter.isOutage(a.kind()) || a.suppression().orElse(null) instanceof Suppression.ByInhibition) {
                states.put(record.key(), a);
            }
            sweep(a.timestamp().toEpochMilli());
        }

        private void sweep(long now) {
            if (now - lastSweep < SWEEP_EVERY_MS) {
                return;
            }
            lastSweep = now;
            Instant oldest = Instant.ofEpochMilli(now).minus(horizon);
            List<String> old = new ArrayList<>();
            try (KeyValueIterator<String, Alert> all = states.all()) {
                all.forEachRemaining(kv -> {
                    if (kv.value == null || kv.value.timestamp().isBefore(oldest)) {
                        old.add(kv.key);
                    }
                });
            }
            old.forEach(states::delete);
        }
    }
}
