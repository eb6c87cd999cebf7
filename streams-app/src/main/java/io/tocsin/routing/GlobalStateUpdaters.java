package io.tocsin.routing;

import io.tocsin.model.Alert;
import io.tocsin.model.Suppression;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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

    public static final class AlertStates implements Processor<String, Alert, Void, Void> {
        private final String store;
        private KeyValueStore<String, Alert> states;

        public AlertStates(String store) {
            this.store = store;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            states = context.getStateStore(store);
        }

        @Override
        public void process(Record<String, Alert> record) {
            Alert a = record.value();
            if (a != null && (AlertRouter.isOutage(a.kind()) || AlertRouter.isRecovery(a.kind())
                    || a.suppression().orElse(null) instanceof Suppression.ByInhibition)) {
                states.put(record.key(), a);
            }
        }
    }
}
