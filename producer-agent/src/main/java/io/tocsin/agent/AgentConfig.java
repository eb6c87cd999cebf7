package io.tocsin.agent;

import io.tocsin.model.ConfigException;
import io.tocsin.model.ConfigKey;
import io.tocsin.model.ConfigKeys;
import io.tocsin.model.Settings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The agent's typed configuration. Sources, strongest first: agent arguments or explicit values, system properties
 * {@code tocsin.*}, environment variables {@code TOCSIN_*}.
 */
public record AgentConfig(
        String service,
        String instance,
        String environment,
        String bootstrapServers,
        String topicPrefix,
        Duration heartbeatInterval,
        List<String> inAppPackages,
        int queueCapacity,
        String address,
        Path spoolDir,
        long spoolMaxBytes,
        long memorySpoolMaxBytes,
        Duration fsyncInterval,
        int stormBurst,
        Duration stormWindow,
        Duration unreachableWarnAfter,
        String fallbackWebhookUrl,
        Map<String, String> kafka,
        Map<String, String> effective) {

    private static final ConfigKeys.Builder K = ConfigKeys.builder();
    public static final ConfigKey<String> SERVICE = K.custom("service", "the service's name (required, no '/')", (s, n) -> {
        String service = s.required(n);
        if (service.contains("/")) {
            throw new ConfigException(n, "must not contain '/'");
        }
        return service;
    }, v -> v);
    public static final ConfigKey<String> INSTANCE = K.custom("instance", "this process's name (default host-pid)",
            (s, n) -> s.get(n).orElseGet(AgentConfig::defaultInstance), v -> v);
    public static final ConfigKey<String> ENVIRONMENT = K.text("environment", "default", "e.g. prod, staging");
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = K.text("bootstrap.servers", "127.0.0.1:9092", "Kafka");
    public static final ConfigKey<String> TOPIC_PREFIX = K.text("topic.prefix", "tocsin.", "prefix of every topic");
    public static final ConfigKey<Duration> HEARTBEAT_INTERVAL = K.duration("heartbeat.interval", Duration.ofSeconds(3),
            Duration.ofMillis(100), "how often a heartbeat is sent");
    public static final ConfigKey<List<String>> IN_APP_PACKAGES = K.custom("in-app.packages",
            "package prefixes of the service's own code (default: the main class's package)",
            (s, n) -> s.list(n, defaultInAppPackages()), v -> String.join(",", v));
    public static final ConfigKey<Integer> QUEUE_CAPACITY = K.integer("queue.capacity", 1000, 1, 1_000_000,
            "captures waiting for the agent's thread; beyond it they are counted, not queued");
    public static final ConfigKey<Optional<String>> ADDRESS = K.optional("address", null, "host:port sent with heartbeats");
    public static final ConfigKey<Long> SPOOL_MAX_BYTES = K.longValue("spool.max.bytes", 64L << 20, 64 << 10,
            "disk spool cap; the oldest events are dropped (and counted) beyond it");
    public static final ConfigKey<Long> SPOOL_MEMORY_MAX_BYTES = K.longValue("spool.memory.max.bytes", 8L << 20, 64 << 10,
            "memory spool cap when the disk fails");
    public static final ConfigKey<Duration> SPOOL_FSYNC_INTERVAL = K.duration("spool.fsync.interval", Duration.ofMillis(500),
            Duration.ofMillis(1), "how often the spool is forced to disk");
    public static final ConfigKey<Integer> STORM_BURST = K.integer("storm.burst", 10, 1, 100_000,
            "occurrences per key and storm window sent as events of their own; the rest are folded into counts");
    public static final ConfigKey<Duration> STORM_WINDOW = K.duration("storm.window", Duration.ofMillis(500),
            Duration.ofMillis(10), "see storm.burst");
    public static final ConfigKey<Duration> UNREACHABLE_WARN_AFTER = K.duration("unreachable.warn-after", Duration.ofSeconds(30),
            Duration.ZERO, "Kafka away this long: one warning and the fallback webhook post");
    public static final ConfigKey<Optional<String>> FALLBACK_WEBHOOK = K.url("fallback.slack.webhook.url", null,
            "Slack webhook told when Kafka is unreachable (at most once an hour)");
    /** Read after {@link #SERVICE}: its default depends on the service. */
    public static final ConfigKey<String> SPOOL_DIR = K.custom("spool.dir", "spool directory (default $TMPDIR/tocsin-spool/<service>)",
            (s, n) -> s.string(n, Path.of(System.getProperty("java.io.tmpdir"), "tocsin-spool", s.required(SERVICE.name())).toString()),
            v -> v);
    /** {@code kafka.<client key>}: passed to the agent's producer (e.g. SASL/SSL settings), as in the streams app. */
    public static final String KAFKA_PREFIX = K.prefix("kafka.");
    public static final ConfigKeys KEYS = K.build();

    public AgentConfig {
        inAppPackages = List.copyOf(inAppPackages);
        kafka = Map.copyOf(kafka);
        effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
    }

    /** Builds a configuration from explicit values over system properties over the environment. */
    public static AgentConfig load(Map<String, String> explicit, Properties systemProperties, Map<String, String> env) {
        Map<String, String> values = environmentAndSystem(systemProperties, env);
        for (Map.Entry<String, String> e : explicit.entrySet()) {
            KEYS.requireKnown(e.getKey(), "agent key");
            values.put(e.getKey(), e.getValue());
        }
        ConfigKeys.Reading r = new ConfigKeys.Reading(new Settings(values));
        return new AgentConfig(
                r.get(SERVICE),
                r.get(INSTANCE),
                r.get(ENVIRONMENT),
                r.get(BOOTSTRAP_SERVERS),
                r.get(TOPIC_PREFIX),
                r.get(HEARTBEAT_INTERVAL),
                r.get(IN_APP_PACKAGES),
                r.get(QUEUE_CAPACITY),
                r.get(ADDRESS).orElse(null),
                Path.of(r.get(SPOOL_DIR)),
                r.get(SPOOL_MAX_BYTES),
                r.get(SPOOL_MEMORY_MAX_BYTES),
                r.get(SPOOL_FSYNC_INTERVAL),
                r.get(STORM_BURST),
                r.get(STORM_WINDOW),
                r.get(UNREACHABLE_WARN_AFTER),
                r.get(FALLBACK_WEBHOOK).orElse(null),
                kafkaSettings(values),
                r.effective());
    }

    /** The {@code kafka.*} settings of the environment and system properties (for the CLI verbs, which take no agent args). */
    public static Map<String, String> kafkaSettings(Properties systemProperties, Map<String, String> env) {
        return kafkaSettings(environmentAndSystem(systemProperties, env));
    }

    /** Values from {@code TOCSIN_*} variables, overridden by {@code tocsin.*} system properties. */
    private static Map<String, String> environmentAndSystem(Properties systemProperties, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>(Settings.fromEnvironment(env, KEYS.names()).values());
        for (String key : systemProperties.stringPropertyNames()) {
            String name = key.startsWith("tocsin.") ? key.substring("tocsin.".length()) : null;
            if (name != null && (KEYS.names().contains(name) || name.startsWith(KAFKA_PREFIX))) {
                values.put(name, systemProperties.getProperty(key));
            }
        }
        return values;
    }

    private static Map<String, String> kafkaSettings(Map<String, String> values) {
        Map<String, String> kafka = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                kafka.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        return kafka;
    }

    public static AgentConfig of(String service, String environment, String bootstrapServers) {
        return load(Map.of(SERVICE.name(), service, ENVIRONMENT.name(), environment, BOOTSTRAP_SERVERS.name(), bootstrapServers),
                new Properties(), Map.of());
    }

    public AgentConfig withInstance(String newInstance) {
        return with(INSTANCE.name(), newInstance);
    }

    public AgentConfig withInAppPackages(List<String> packages) {
        return with(IN_APP_PACKAGES.name(), String.join(",", packages));
    }

    /** A copy with one key changed, validated like the original. */
    public AgentConfig with(String key, String value) {
        Map<String, String> values = new LinkedHashMap<>(asMap());
        values.put(key, value);
        return load(values, new Properties(), Map.of());
    }

    /** Every setting as the key=value it was configured with (unset optional keys left out). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        KEYS.names().forEach(k -> {
            String v = effective.get(k);
            if (v != null) {
                m.put(k, v);
            }
        });
        kafka.forEach((k, v) -> m.put(KAFKA_PREFIX + k, v));
        return m;
    }

    /** host-pid: stable for a process, distinct across processes on one host. */
    private static String defaultInstance() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** The package of the main class: {@code sun.java.command} names it for {@code java -cp … Main}. */
    private static List<String> defaultInAppPackages() {
        String command = System.getProperty("sun.java.command", "");
        String main = command.split(" ")[0];
        int dot = main.lastIndexOf('.');
        if (main.endsWith(".jar") || dot <= 0) {
            return List.of();
        }
        return List.of(main.substring(0, dot));
    }

}
