package io.tocsin.config;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/** Client properties for every Kafka client the app makes, with the {@code kafka.*} pass-through applied last. */
public final class KafkaClients {

    /**
     * How long the group waits for a member that stopped answering before giving its partitions to the others. The
     * client default (45 s) would leave alerting for a dead instance's partitions, and a restarted instance's own
     * partitions, stalled for most of a minute; 10 s is the old default, tolerant of GC pauses (the liveness
     * heartbeat has its own thread) and short enough for an alerting pipeline.
     */
    static final int SESSION_TIMEOUT_MS = 10_000;

    private KafkaClients() {
    }

    public static Properties common(AppConfig config) {
        return withPassThrough(config, base(config));
    }

    private static Properties base(AppConfig config) {
        Properties p = new Properties();
        p.put("bootstrap.servers", config.bootstrapServers());
        return p;
    }

    /** The {@code kafka.*} keys go in last, so a user can override any default Tocsin sets. */
    private static Properties withPassThrough(AppConfig config, Properties p) {
        p.putAll(config.kafka());
        return p;
    }

    public static Properties streams(AppConfig config, HostInfo applicationServer) {
        Properties p = base(config);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer.host() + ":" + applicationServer.port());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topicReplicationFactor());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // what a record that makes a processor fail does (dead letters, or fail on a broken store): AlertTopology.errorHandling
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // the partition assignor reads its own StreamsConfig from the main consumer's settings, which leave this key
        // out, and would warn that it is off
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
        return withPassThrough(config, p);
    }

    /** For replay: no group, nothing committed, records as the brokers have them. */
    public static Properties replayConsumer(AppConfig config) {
        Properties p = base(config);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return withPassThrough(config, p);
    }

    public static Properties notifierConsumer(AppConfig config) {
        Properties p = base(config);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-notifier");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return withPassThrough(config, p);
    }

    public static Properties producer(AppConfig config) {
        Properties p = base(config);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return withPassThrough(config, p);
    }
}
