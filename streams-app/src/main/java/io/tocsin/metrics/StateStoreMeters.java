package io.tocsin.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka Streams tags a state store's meters with a key naming the store's type ({@code rocksdb-state-id},
 * {@code rocksdb-window-state-id}, {@code in-memory-state-id}, …), so one meter name comes with several tag keys,
 * which Prometheus refuses: only the first kind of store reached {@code /metrics}, and the registry warned. This filter
 * names that tag {@code state.id} for every store type. It renames and never adds a tag: Micrometer's Kafka binder
 * skips a metric when a meter of its name already has more tags than it.
 */
public final class StateStoreMeters {

    static final String PREFIX = "kafka.stream.state.";
    static final String SUFFIX = ".state.id";
    public static final String TAG = "state.id";

    private StateStoreMeters() {
    }

    public static MeterFilter oneStoreTag() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith(PREFIX)) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                boolean renamed = false;
                for (Tag t : id.getTagsAsIterable()) {
                    boolean storeTag = t.getKey().endsWith(SUFFIX) && !t.getKey().equals(TAG);
                    tags.add(storeTag ? Tag.of(TAG, t.getValue()) : t);
                    renamed |= storeTag;
                }
                return renamed ? id.replaceTags(tags) : id;
            }
        };
    }
}
