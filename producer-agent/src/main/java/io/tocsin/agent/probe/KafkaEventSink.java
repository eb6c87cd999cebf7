package io.tocsin.agent.probe;

import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.ProducerSettings;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Topics;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends the prober's events to the contract's topics, keyed {@code service/instance}. */
public final class KafkaEventSink implements UrlProber.EventSink, AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final EventCodec codec = new EventCodec();

    public KafkaEventSink(String bootstrapServers, String topicPrefix) {
        this.producer = new KafkaProducer<>(ProducerSettings.withClientSettings(ProducerSettings.reliable(bootstrapServers, "tocsin-probe"),
                AgentConfig.kafkaSettings(System.getProperties(), System.getenv())));
        this.topics = new Topics(topicPrefix);
    }

    @Override
    public void heartbeat(HeartbeatEvent beat) {
        producer.send(new ProducerRecord<>(topics.heartbeats(), beat.key(), codec.write(beat)));
    }

    @Override
    public void exception(ExceptionEvent failure) {
        producer.send(new ProducerRecord<>(topics.errors(), failure.key(), codec.write(failure)));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
