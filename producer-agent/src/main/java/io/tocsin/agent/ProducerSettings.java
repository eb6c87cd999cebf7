package io.tocsin.agent;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The Kafka producer settings of everything on the agent side (the agent, the URL prober, the send CLI), written once. */
public final class ProducerSettings {

    private ProducerSettings() {
    }

    /** Acknowledged by all in-sync replicas, idempotent (a retry never writes twice), {@code service/instance} keys, JSON bytes. */
    public static Properties reliable(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /** {@link #reliable} with the given bounds on how long a send may wait for metadata and for its acknowledgement. */
    public static Properties reliable(String bootstrapServers, String clientId, Duration maxBlock, Duration deliveryTimeout) {
        Properties p = reliable(bootstrapServers, clientId);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) maxBlock.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
        return p;
    }

    /**
     * The agent's own producer, inside a host application: it waits at most half a second for metadata (the agent's
     * thread then backs off and the spool keeps the events), gives up on a send within 15 s, uses little memory and
     * batches a few milliseconds.
     */
    static Properties agent(AgentConfig config) {
        Properties p = reliable(config.bootstrapServers(), "tocsin-agent-" + config.service(), Duration.ofMillis(500), Duration.ofSeconds(15));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024);
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return withClientSettings(p, config.kafka());
    }

    /**
     * {@code kafka.*} settings (security, timeouts) over ours, except the serializers our records need. Kafka class
     * names in them (a JAAS login module, a callback handler) are written as users know them, {@code org.apache.kafka…};
     * inside the agent's jar Kafka lives under a relocated package, so they are pointed there.
     */
    public static Properties withClientSettings(Properties p, Map<String, String> kafka) {
        String relocatedRoot = kafkaRoot(ProducerConfig.class.getPackageName());
        kafka.forEach((key, value) -> {
            if (!key.equals(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG) && !key.equals(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)) {
                p.put(key, relocated(value, relocatedRoot));
            }
        });
        return p;
    }

    /** Kafka's root package as this class sees it, from the package of one of its classes ({@code ….clients.producer}). */
    static String kafkaRoot(String producerPackage) {
        return producerPackage.substring(0, producerPackage.length() - ".clients.producer".length());
    }

    static String relocated(String value, String kafkaRoot) {
        // built at run time: the shade plugin rewrites string constants that name a relocated package
        String original = String.join(".", "org", "apache", "kafka") + ".";
        return kafkaRoot.equals(original.substring(0, original.length() - 1)) ? value : value.replace(original, kafkaRoot + ".");
    }
}
