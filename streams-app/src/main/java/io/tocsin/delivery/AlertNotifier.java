package io.tocsin.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code tocsin.alerts} (read_committed) and hands each alert to the sink, in order per partition. An alert's
 * offset is committed only after the sink accepted it (or refused it for good, in which case it goes to
 * {@code tocsin.alerts-undelivered} with the reason in a header), so a Slack outage delays alerts but loses none.
 * While an alert waits for a retry the consumer is paused and keeps polling, so it stays in its group however long
 * Slack is down.
 */
public final class AlertNotifier implements AutoCloseable {

    public static final String REASON_HEADER = "tocsin.undelivered.reason";
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> undeliveredProducer;
    private final String alertsTopic;
    private final String undeliveredTopic;
    private final AlertSink sink;
    private final RetryPolicy retryPolicy;
    private final EventCodec codec = new EventCodec();
    private final Deque<ConsumerRecord<String, byte[]>> pending = new ArrayDeque<>();
    private final Counter delivered;
    private final Counter retried;
    private final Counter undelivered;
    private final Thread thread;
    private volatile boolean running = true;

    public AlertNotifier(Properties consumerProps, Properties producerProps, String alertsTopic, String undeliveredTopic,
                         AlertSink sink, RetryPolicy retryPolicy, MeterRegistry metrics) {
        this.consumer = new KafkaConsumer<>(consumerProps);
        this.undeliveredProducer = new KafkaProducer<>(producerProps);
        this.alertsTopic = alertsTopic;
        this.undeliveredTopic = undeliveredTopic;
        this.sink = sink;
        this.retryPolicy = retryPolicy;
        this.delivered = Counter.builder("tocsin.notifier.delivered").description("alerts accepted by the sink").register(metrics);
        this.retried = Counter.builder("tocsin.notifier.retries").description("delivery attempts that will be retried").register(metrics);
        this.undelivered = Counter.builder("tocsin.notifier.undelivered").description("alerts refused for good").register(metrics);
        this.thread = new Thread(this::run, "tocsin-notifier");
    }

    public AlertNotifier start() {
        LOG.info("delivering alerts from {} to {}", alertsTopic, sink.describe());
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(alertsTopic), new DropRevoked());
            int failures = 0;
            while (running) {
                if (pending.isEmpty()) {
                    consumer.poll(POLL).forEach(pending::add);
                    continue;
                }
                ConsumerRecord<String, byte[]> head = pending.peek();
                DeliveryResult result = deliver(head);
                switch (result.outcome()) {
                    case DELIVERED -> {
                        delivered.increment();
                        failures = 0;
                        done(head);
                    }
                    case PERMANENT_FAILURE -> {
                        undelivered.increment();
                        failures = 0;
                        LOG.warn("{} refused alert {} for good: {}", sink.describe(), head.key(), result.reason());
                        sendUndelivered(head, result.reason());
                        done(head);
                    }
                    case RETRY -> {
                        retried.increment();
                        failures++;
                        Duration wait = retryPolicy.delay(failures, result.retryAfter());
                        LOG.warn("{} did not take an alert ({}); retry {} in {} ms", sink.describe(), result.reason(),
                                failures, wait.toMillis());
                        waitPaused(wait);
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("the notifier stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            undeliveredProducer.close(Duration.ofSeconds(5));
        }
    }

    private DeliveryResult deliver(ConsumerRecord<String, byte[]> record) {
        Alert alert;
        try {
            alert = codec.parseAlert(record.value());
        } catch (InvalidEventException e) {
            return DeliveryResult.permanent("unreadable alert: " + e.getMessage());
        }
        return sink.deliver(alert);
    }

    private void done(ConsumerRecord<String, byte[]> record) {
        pending.poll();
        consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1)));
    }

    /** Waits without leaving the group: partitions paused, polling on; records of newly assigned partitions are kept. */
    private void waitPaused(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        consumer.pause(consumer.assignment());
        try {
            while (running && System.nanoTime() < until) {
                long left = Math.max(1, (until - System.nanoTime()) / 1_000_000);
                consumer.poll(Duration.ofMillis(Math.min(left, POLL.toMillis()))).forEach(pending::add);
            }
        } finally {
            consumer.resume(consumer.paused());
        }
    }

    private void sendUndelivered(ConsumerRecord<String, byte[]> record, String reason) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(undeliveredTopic, record.key(), record.value());
        out.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        try {
            undeliveredProducer.send(out).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording an undelivered alert", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot record an undelivered alert on " + undeliveredTopic, e);
        }
    }

    /** Records of partitions this notifier lost belong to their new owner, which starts from the committed offset. */
    private final class DropRevoked implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
