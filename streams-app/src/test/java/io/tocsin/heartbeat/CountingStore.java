package io.tocsin.heartbeat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/** A key-value store that counts the values read from it: every {@code get}, and every entry an iterator yields. */
final class CountingStore extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]>
        implements KeyValueStore<Bytes, byte[]> {

    private final AtomicLong reads;

    private CountingStore(KeyValueStore<Bytes, byte[]> inner, AtomicLong reads) {
        super(inner);
        this.reads = reads;
    }

    /** A supplier of {@code inner}'s stores, each counting its reads into {@code reads}. */
    static KeyValueBytesStoreSupplier counting(KeyValueBytesStoreSupplier inner, AtomicLong reads) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new CountingStore(inner.get(), reads);
            }

            @Override
            public String metricsScope() {
                return inner.metricsScope();
            }
        };
    }

    @Override
    public byte[] get(Bytes key) {
        reads.incrementAndGet();
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return counted(wrapped().range(from, to));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return counted(wrapped().all());
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return counted(wrapped().prefixScan(prefix, prefixKeySerializer));
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    @Override
    public void put(Bytes key, byte[] value) {
        wrapped().put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        wrapped().putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        return wrapped().delete(key);
    }

    private KeyValueIterator<Bytes, byte[]> counted(KeyValueIterator<Bytes, byte[]> it) {
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<Bytes, byte[]> next() {
                reads.incrementAndGet();
                return it.next();
            }

            @Override
            public Bytes peekNextKey() {
                return it.peekNextKey();
            }

            @Override
            public void close() {
                it.close();
            }
        };
    }
}
