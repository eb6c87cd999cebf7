package io.tocsin.agent.probe;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.HeartbeatEvent;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends the prober's events to the contract's topics, keyed {@code service/instance}. */
public final class KafkaEventSink implements UrlProber.EventSink, AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topicPrefix;
    private final EventCodec codec = new EventCodec();

    public KafkaEventSink(String bootstrapServers, String topicPrefix) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tocsin-probe");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(p);
        this.topicPrefix = topicPrefix;
    }

    @Override
    public void heartbeat(HeartbeatEvent beat) {
        producer.send(new ProducerRecord<>(topicPrefix + "heartbeats", beat.key(), codec.write(beat)));
    }

    @Override
    public void exception(ExceptionEvent failure) {
        producer.send(new ProducerRecord<>(topicPrefix + "errors", failure.key(), codec.write(failure)));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
