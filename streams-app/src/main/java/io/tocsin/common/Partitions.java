package io.tocsin.common;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/** Where Kafka puts a record with a string key. */
public final class Partitions {

    private Partitions() {
    }

    /**
     * The partition the producer's built-in partitioner (which Kafka Streams' sinks use too) gives a key serialized as
     * UTF-8, among {@code partitions}.
     */
    public static int of(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
