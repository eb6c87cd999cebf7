package io.tocsin.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the records of some topics whose record time lies in {@code [from, to)}, merged into one fixed order: record
 * time, then topic (in the order given), partition, offset. Its own consumer is assigned the partitions: no group,
 * no commits, nothing written. Start offsets come from the broker's time index, end offsets are fixed when reading
 * starts, so a range being written to still gives one answer. A partition's records come in time order (the input
 * topics use append time), so a k-way merge over the partitions' heads is enough; each partition buffers a bounded
 * number of records, so memory does not grow with the range.
 */
public final class RangeReader implements AutoCloseable {

    private static final int BUFFER_PER_PARTITION = 2_000;

    /** Where in the range reading is, for progress. */
    public record Progress(long read, long total) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final Map<TopicPartition, Deque<ConsumerRecord<String, byte[]>>> buffers = new HashMap<>();
    private final Map<TopicPartition, Long> end = new HashMap<>();
    private final long toMs;
    private long read;
    private long total;

    RangeReader(Properties consumerProps, List<String> topics, Instant from, Instant to, List<String> fromBeginning) {
        Properties p = new Properties();
        p.putAll(consumerProps);
        p.remove("group.id");
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", "2000");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.toMs = to.toEpochMilli();
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo i : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
        }
        consumer.assign(parts);
        Map<TopicPartition, Long> endOffsets = consumer.endOffsets(parts, Duration.ofSeconds(30));
        Map<TopicPartition, Long> times = new HashMap<>();
        parts.forEach(tp -> times.put(tp, fromBeginning.contains(tp.topic()) ? 0L : from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(times, Duration.ofSeconds(30));
        for (TopicPartition tp : parts) {
            long s = Optional.ofNullable(start.get(tp)).map(OffsetAndTimestamp::offset).orElse(endOffsets.get(tp));
            consumer.seek(tp, s);
            if (s < endOffsets.get(tp)) {
                end.put(tp, endOffsets.get(tp));
                buffers.put(tp, new ArrayDeque<>());
                total += endOffsets.get(tp) - s;
            }
        }
        consumer.pause(parts.stream().filter(tp -> !end.containsKey(tp)).toList());
    }

    /** Hands every record of the range, in the merged order, to {@code sink}; {@code progress} now and then. */
    void forEach(Consumer<ConsumerRecord<String, byte[]>> sink, Consumer<Progress> progress, BooleanSupplier cancelled) {
        Comparator<ConsumerRecord<String, byte[]>> order = Comparator
                .comparingLong((ConsumerRecord<String, byte[]> r) -> r.timestamp())
                .thenComparingInt(r -> topics.indexOf(r.topic()))
                .thenComparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset);
        long lastReport = 0;
        while (!end.isEmpty() && !cancelled.getAsBoolean()) {
            fill();
            ConsumerRecord<String, byte[]> next = null;
            for (Deque<ConsumerRecord<String, byte[]>> b : buffers.values()) {
                if (!b.isEmpty() && (next == null || order.compare(b.peek(), next) < 0)) {
                    next = b.peek();
                }
            }
            if (next == null) {
                continue;
            }
            TopicPartition tp = new TopicPartition(next.topic(), next.partition());
            buffers.get(tp).poll();
            read++;
            if (next.offset() + 1 >= end.get(tp)) {
                finish(tp);
            }
            if (next.timestamp() >= toMs) {
                finish(tp); // past the range: this partition has nothing more to give
                continue;
            }
            sink.accept(next);
            if (read - lastReport >= 10_000) {
                lastReport = read;
                progress.accept(new Progress(read, total));
            }
        }
        progress.accept(new Progress(total, total));
    }

    /** Polls until every unfinished partition has a record buffered; full buffers are paused. */
    private void fill() {
        while (end.keySet().stream().anyMatch(tp -> buffers.get(tp).isEmpty())) {
            List<TopicPartition> full = new ArrayList<>();
            List<TopicPartition> hungry = new ArrayList<>();
            end.keySet().forEach(tp -> (buffers.get(tp).size() >= BUFFER_PER_PARTITION ? full : hungry).add(tp));
            consumer.pause(full);
            consumer.resume(hungry);
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (end.containsKey(tp) && r.offset() < end.get(tp)) {
                    buffers.get(tp).add(r);
                }
            }
            // compaction or transaction markers can leave the last offsets without a record
            for (TopicPartition tp : hungry) {
                if (buffers.get(tp).isEmpty() && consumer.position(tp) >= end.get(tp)) {
                    finish(tp);
                }
            }
        }
    }

    private void finish(TopicPartition tp) {
        if (end.remove(tp) != null) {
            buffers.remove(tp);
            consumer.pause(List.of(tp));
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
