package io.tocsin.config;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of one app to {@code rocksdb.memory}: all stores share one block
 * cache, their memtables are charged to it through one write-buffer manager, and index and filter blocks live in it
 * too. Without this each store of each partition (about nine stores per partition) takes its own default cache and
 * memtables, so memory grew with the partition count rather than with a setting.
 *
 * <p>Kafka Streams makes a config setter per store by reflection; the shared cache reaches it through the streams
 * properties ({@link #SHARED}), made and closed by the app, so two apps in one JVM (tests) keep their own.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The streams property that carries the app's {@link Shared} memory. */
    public static final String SHARED = "tocsin.rocksdb.shared";
    /** Memtables may take up to half; the rest caches blocks. */
    private static final double MEMTABLE_SHARE = 0.5;
    /** Index and filter blocks are read on every lookup: they keep a share of the cache of their own. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;
    private static final long MEMTABLE_SIZE = 8L << 20;

    /** The block cache and write-buffer manager of one app. */
    public record Shared(long bytes, Cache cache, WriteBufferManager writeBuffers) implements AutoCloseable {

        public static Shared of(long bytes) {
            RocksDB.loadLibrary(); // Kafka Streams loads it when it opens the first store; the cache comes before that
            Cache cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_SHARE);
            return new Shared(bytes, cache, new WriteBufferManager((long) (bytes * MEMTABLE_SHARE), cache));
        }

        @Override
        public void close() {
            writeBuffers.close();
            cache.close();
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object shared = configs.get(SHARED);
        if (!(shared instanceof Shared memory)) {
            throw new IllegalStateException(SHARED + " is not set: the app makes it with its streams properties");
        }
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBuffers());
        options.setWriteBufferSize(MEMTABLE_SIZE);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer manager are the app's, closed with it
    }
}
