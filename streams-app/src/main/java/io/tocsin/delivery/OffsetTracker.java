package io.tocsin.delivery;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed when records finish out of order (routes deliver independently): per partition,
 * everything below the lowest offset still pending.
 */
final class OffsetTracker {

    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    void started(TopicPartition tp, long offset) {
        pending.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
        next.merge(tp, offset + 1, Math::max);
    }

    void finished(TopicPartition tp, long offset) {
        TreeSet<Long> p = pending.get(tp);
        if (p != null) {
            p.remove(offset);
        }
    }

    /** Where reading must start again so nothing started here is skipped: the lowest offset still pending. */
    OptionalLong firstNotDone(TopicPartition tp) {
        TreeSet<Long> p = pending.get(tp);
        return p == null || p.isEmpty() ? OptionalLong.empty() : OptionalLong.of(p.first());
    }

    /** Offsets to commit that moved since the last call. */
    Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            TreeSet<Long> p = pending.get(e.getKey());
            long upTo = p == null || p.isEmpty() ? e.getValue() : p.first();
            if (!Long.valueOf(upTo).equals(committed.get(e.getKey()))) {
                out.put(e.getKey(), new OffsetAndMetadata(upTo));
            }
        }
        return out;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            pending.remove(tp);
            next.remove(tp);
            committed.remove(tp);
        });
    }

    int pendingCount() {
        return pending.values().stream().mapToInt(TreeSet::size).sum();
    }
}
