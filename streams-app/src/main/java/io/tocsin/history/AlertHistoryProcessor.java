package io.tocsin.history;

import io.tocsin.model.EventCodec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each alert key's recent alerts and their delivery state from the notifier's decisions, and forgets a key
 * nothing has happened to for {@code retention}. The sweep reads at most {@code sweepBatch} keys per
 * {@code sweepEvery} (wall clock), resuming where it stopped: with a million keys (every error group alerts once) a
 * whole-store scan would hold the stream thread for seconds.
 */
public final class AlertHistoryProcessor implements Processor<String, byte[], Void, Void> {

    /** Alerts kept per key. */
    public static final int MAX_PER_KEY = 50;
    private static final Logger LOG = LoggerFactory.getLogger(AlertHistoryProcessor.class);

    private final String storeName;
    private final EventCodec codec;
    private final Duration retention;
    private final Duration sweepEvery;
    private final int sweepBatch;
    private KeyValueStore<String, AlertHistory> store;
    /** The last key the sweep read; null: start from the first. */
    private String sweptTo;

    public AlertHistoryProcessor(String storeName, EventCodec codec, Duration retention, Duration sweepEvery, int sweepBatch) {
        this.storeName = storeName;
        this.codec = codec;
        this.retention = retention;
        this.sweepEvery = sweepEvery;
        this.sweepBatch = sweepBatch;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        context.schedule(sweepEvery, PunctuationType.WALL_CLOCK_TIME, this::forgetOlderThanRetention);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        DeliveryUpdate update;
        try {
            update = codec.mapper().readValue(record.value(), DeliveryUpdate.class);
        } catch (IOException | RuntimeException e) {
            // only the notifier writes this topic: an unreadable record costs one line of history, never the task
            LOG.warn("alert delivery record for key {} is unreadable and left out of the history: {}", record.key(), e.getMessage());
            return;
        }
        if (update.id() == null || update.key() == null || update.state() == null) {
            LOG.warn("alert delivery record for key {} lacks its id, key or state: left out of the history", record.key());
            return;
        }
        String key = AlertHistory.storeKey(update.kind(), update.key());
        AlertHistory history = store.get(key);
        store.put(key, (history == null ? AlertHistory.empty() : history).with(update, MAX_PER_KEY));
    }

    private void forgetOlderThanRetention(long now) {
        Instant oldest = Instant.ofEpochMilli(now).minus(retention);
        List<String> stale = new ArrayList<>();
        int read = 0;
        String last = null;
        try (KeyValueIterator<String, AlertHistory> it = sweptTo == null ? store.all() : store.range(sweptTo, null)) {
            while (it.hasNext() && read < sweepBatch) {
                KeyValue<String, AlertHistory> kv = it.next();
                if (kv.key.equals(sweptTo)) {
                    continue; // read last time
                }
                read++;
                last = kv.key;
                Instant changed = kv.value.lastChange();
                if (changed == null || changed.isBefore(oldest)) {
                    stale.add(kv.key);
                }
            }
            sweptTo = it.hasNext() ? last : null;
        }
        stale.forEach(store::delete);
    }
}
