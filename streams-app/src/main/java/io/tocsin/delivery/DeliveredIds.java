package io.tocsin.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The notifier's durable memory of delivered alert ids, on a compacted topic with a time limit. Alert ids are
 * deterministic, so alerts re-read after a crash or a rebalance are recognised and not posted again.
 *
 * <p>It follows the topic rather than loading it once: {@link #catchUp} reads to the topic's current end before a
 * delivery, so ids a peer recorded (before a partition moved here) are known at the moment they matter. The one window
 * left for a duplicate is a crash between Slack's answer and the id's record. Memory is bounded twice: ids older than
 * the topic's retention are forgotten (the topic forgets them too), and at most {@code capacity} ids are kept, the
 * oldest going first. Used by the notifier's thread only.
 */
public final class DeliveredIds implements AutoCloseable {

    public static final int DEFAULT_CAPACITY = 200_000;

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, String> follower;
    private final Duration retention;
    private final int capacity;
    /** Id to the time it was recorded; insertion order is (nearly) time order, so the eldest go first. */
    private final LinkedHashMap<String, Long> ids = new LinkedHashMap<>();
    private List<TopicPartition> partitions;

    public DeliveredIds(String topic, KafkaProducer<String, byte[]> producer, Properties consumerProps, Duration retention,
                        int capacity) {
        this.topic = topic;
        this.producer = producer;
        this.retention = retention;
        this.capacity = capacity;
        Properties p = new Properties();
        p.putAll(consumerProps);
        p.remove("group.id");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        this.follower = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** Reads every id recorded up to the topic's current end; fails if that takes longer than {@code timeout}. */
    public void catchUp(Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        if (partitions == null) {
            partitions = new ArrayList<>();
            for (PartitionInfo i : follower.partitionsFor(topic, timeout)) {
                partitions.add(new TopicPartition(topic, i.partition()));
            }
            follower.assign(partitions);
            follower.seekToBeginning(partitions);
        }
        Map<TopicPartition, Long> end = follower.endOffsets(partitions, timeout);
        while (partitions.stream().anyMatch(tp -> follower.position(tp) < end.get(tp))) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("cannot read " + topic + " to its end within " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<String, String> r : follower.poll(Duration.ofMillis(100))) {
                remember(r.key(), r.timestamp());
            }
        }
        forgetOld(System.currentTimeMillis());
    }

    public boolean contains(String id) {
        return ids.containsKey(id);
    }

    int size() {
        return ids.size();
    }

    /** Records the ids and waits until the broker has them. */
    public void record(List<String> delivered, String route) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (String id : delivered) {
            acks.add(producer.send(new ProducerRecord<>(topic, id, route.getBytes(StandardCharsets.UTF_8))));
        }
        Acks.await(acks, "delivered alerts", topic);
        long now = System.currentTimeMillis();
        delivered.forEach(id -> remember(id, now));
    }

    private void remember(String id, long at) {
        if (id == null) {
            return;
        }
        ids.remove(id);
        ids.put(id, at);
        if (ids.size() > capacity) {
            Iterator<String> eldest = ids.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private void forgetOld(long now) {
        long oldest = now - retention.toMillis();
        Iterator<Long> it = ids.values().iterator();
        while (it.hasNext() && it.next() < oldest) {
            it.remove();
        }
    }

    @Override
    public void close() {
        follower.close(Duration.ofSeconds(2));
    }
}
