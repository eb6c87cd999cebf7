package io.tocsin.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
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
 * deterministic, so after a crash the alerts re-read since the last commit are recognised and not posted again. The
 * one remaining window for a duplicate is a crash between Slack's answer and this record.
 */
public final class DeliveredIds {

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    public DeliveredIds(String topic, KafkaProducer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /** Reads every id recorded so far (from the beginning to the current end). */
    public DeliveredIds load(Properties consumerProps) {
        Properties p = new Properties();
        p.putAll(consumerProps);
        p.remove("group.id");
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    ids.add(r.key());
                }
            }
        }
        return this;
    }

    public boolean contains(String id) {
        return ids.contains(id);
    }

    /** Records the ids and waits until the broker has them. */
    public void record(List<String> delivered, String route) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (String id : delivered) {
            acks.add(producer.send(new ProducerRecord<>(topic, id, route.getBytes(StandardCharsets.UTF_8))));
        }
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while recording delivered alerts", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot record delivered alerts on " + topic, e.getCause());
            }
        }
        ids.addAll(delivered);
    }
}
