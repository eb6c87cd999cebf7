package io.tocsin.api;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;

/**
 * Which partitions of a store this instance answers for, read one partition at a time. A store read without a
 * partition silently leaves out partitions still being restored (after a peer died, say), and the merged answer would
 * miss entries: here a partition without a running owner, here or anywhere, makes the answer a 503 instead.
 */
final class StorePartitions {

    private final KafkaStreams streams;
    private final HostInfo self;
    private final ToIntFunction<String> partitionCount;

    /** {@code partitionCount}: how many partitions a topic has (the store has one per partition of its input). */
    StorePartitions(KafkaStreams streams, HostInfo self, ToIntFunction<String> partitionCount) {
        this.streams = streams;
        this.self = self;
        this.partitionCount = partitionCount;
    }

    /** This instance's partitions of a store, and how many it has in all. */
    record Owned(Set<Integer> mine, int total) {
    }

    /**
     * This instance's partitions of {@code store}, whose input topic is {@code sourceTopic}; fails unless every
     * partition of the store has an active owner.
     */
    Owned mine(String store, String sourceTopic) {
        Set<Integer> owned = new HashSet<>();
        Set<Integer> mine = new TreeSet<>();
        for (StreamsMetadata host : streams.streamsMetadataForStore(store)) {
            for (TopicPartition tp : host.topicPartitions()) {
                if (tp.topic().equals(sourceTopic)) {
                    owned.add(tp.partition());
                    if (host.hostInfo().equals(self)) {
                        mine.add(tp.partition());
                    }
                }
            }
        }
        // no owner at all: starting, the topic may not even exist yet (asking its size could block)
        int partitions = owned.isEmpty() ? 1 : partitionCount.applyAsInt(sourceTopic);
        if (owned.size() < partitions) {
            throw new Peers.NotReadyException(store + ": " + (owned.isEmpty() ? "no" : partitions - owned.size() + " of "
                    + partitions) + " partitions have an active owner right now (" + streams.state() + ")");
        }
        return new Owned(mine, partitions);
    }

    /** One partition of the store, only if this instance has it active and running (not restoring). */
    <S> S store(String store, QueryableStoreType<S> type, int partition) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(store, type).withPartition(partition));
        } catch (InvalidStateStoreException e) {
            throw new Peers.NotReadyException(store + " partition " + partition + " is not queryable here yet ("
                    + streams.state() + ": " + e.getMessage() + ")");
        }
    }
}
