package io.tocsin.agent;

import io.tocsin.model.ConfigException;
import io.tocsin.model.Settings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        String fallbackWebhookUrl) {

    public static final String SERVICE = "service";
    public static final String INSTANCE = "instance";
    public static final String ENVIRONMENT = "environment";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String HEARTBEAT_INTERVAL = "heartbeat.interval";
    public static final String IN_APP_PACKAGES = "in-app.packages";
    public static final String QUEUE_CAPACITY = "queue.capacity";
    public static final String ADDRESS = "address";
    public static final String SPOOL_DIR = "spool.dir";
    public static final String SPOOL_MAX_BYTES = "spool.max.bytes";
    public static final String SPOOL_MEMORY_MAX_BYTES = "spool.memory.max.bytes";
    public static final String SPOOL_FSYNC_INTERVAL = "spool.fsync.interval";
    public static final String STORM_BURST = "storm.burst";
    public static final String STORM_WINDOW = "storm.window";
    public static final String UNREACHABLE_WARN_AFTER = "unreachable.warn-after";
    public static final String FALLBACK_WEBHOOK = "fallback.slack.webhook.url";
    public static final List<String> KEYS = List.of(SERVICE, INSTANCE, ENVIRONMENT, BOOTSTRAP_SERVERS, TOPIC_PREFIX,
            HEARTBEAT_INTERVAL, IN_APP_PACKAGES, QUEUE_CAPACITY, ADDRESS, SPOOL_DIR, SPOOL_MAX_BYTES, SPOOL_MEMORY_MAX_BYTES,
            SPOOL_FSYNC_INTERVAL, STORM_BURST, STORM_WINDOW, UNREACHABLE_WARN_AFTER, FALLBACK_WEBHOOK);

    public AgentConfig {
        inAppPackages = List.copyOf(inAppPackages);
        if (service.contains("/")) {
            throw new ConfigException(SERVICE, "must not contain '/'");
        }
    }

    /** Builds a configuration from explicit values over system properties over the environment. */
    public static AgentConfig load(Map<String, String> explicit, Properties systemProperties, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>(Settings.fromEnvironment(env, KEYS).values());
        for (String key : KEYS) {
            String v = systemProperties.getProperty("tocsin." + key);
            if (v != null) {
                values.put(key, v);
            }
        }
        for (Map.Entry<String, String> e : explicit.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw new ConfigException(e.getKey(), "unknown agent key (known: " + String.join(", ", KEYS) + ")");
            }
            values.put(e.getKey(), e.getValue());
        }
        Settings s = new Settings(values);
        String service = s.required(SERVICE);
        return new AgentConfig(
                service,
                s.get(INSTANCE).orElseGet(AgentConfig::defaultInstance),
                s.string(ENVIRONMENT, "default"),
                s.string(BOOTSTRAP_SERVERS, "127.0.0.1:9092"),
                s.string(TOPIC_PREFIX, "tocsin."),
                s.duration(HEARTBEAT_INTERVAL, Duration.ofSeconds(3), Duration.ofMillis(100)),
                s.list(IN_APP_PACKAGES, defaultInAppPackages()),
                s.intValue(QUEUE_CAPACITY, 1000, 1, 1_000_000),
                s.get(ADDRESS).orElse(null),
                Path.of(s.string(SPOOL_DIR, Path.of(System.getProperty("java.io.tmpdir"), "tocsin-spool", service).toString())),
                s.longValue(SPOOL_MAX_BYTES, 64L << 20, 64 << 10),
                s.longValue(SPOOL_MEMORY_MAX_BYTES, 8L << 20, 64 << 10),
                s.duration(SPOOL_FSYNC_INTERVAL, Duration.ofMillis(500), Duration.ofMillis(1)),
                s.intValue(STORM_BURST, 10, 1, 100_000),
                s.duration(STORM_WINDOW, Duration.ofMillis(500), Duration.ofMillis(10)),
                s.duration(UNREACHABLE_WARN_AFTER, Duration.ofSeconds(30), Duration.ZERO),
                s.get(FALLBACK_WEBHOOK).orElse(null));
    }

    public static AgentConfig of(String service, String environment, String bootstrapServers) {
        return load(Map.of(SERVICE, service, ENVIRONMENT, environment, BOOTSTRAP_SERVERS, bootstrapServers),
                new Properties(), Map.of());
    }

    public AgentConfig withInstance(String newInstance) {
        return with(INSTANCE, newInstance);
    }

    public AgentConfig withInAppPackages(List<String> packages) {
        return with(IN_APP_PACKAGES, String.join(",", packages));
    }

    /** A copy with one key changed, validated like the original. */
    public AgentConfig with(String key, String value) {
        Map<String, String> values = new LinkedHashMap<>(asMap());
        values.put(key, value);
        return load(values, new Properties(), Map.of());
    }

    /** Every setting as the key=value it was configured with. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SERVICE, service);
        m.put(INSTANCE, instance);
        m.put(ENVIRONMENT, environment);
        m.put(BOOTSTRAP_SERVERS, bootstrapServers);
        m.put(TOPIC_PREFIX, topicPrefix);
        m.put(HEARTBEAT_INTERVAL, heartbeatInterval.toMillis() + "ms");
        m.put(IN_APP_PACKAGES, String.join(",", inAppPackages));
        m.put(QUEUE_CAPACITY, String.valueOf(queueCapacity));
        if (address != null) {
            m.put(ADDRESS, address);
        }
        m.put(SPOOL_DIR, spoolDir.toString());
        m.put(SPOOL_MAX_BYTES, String.valueOf(spoolMaxBytes));
        m.put(SPOOL_MEMORY_MAX_BYTES, String.valueOf(memorySpoolMaxBytes));
        m.put(SPOOL_FSYNC_INTERVAL, fsyncInterval.toMillis() + "ms");
        m.put(STORM_BURST, String.valueOf(stormBurst));
        m.put(STORM_WINDOW, stormWindow.toMillis() + "ms");
        m.put(UNREACHABLE_WARN_AFTER, unreachableWarnAfter.toMillis() + "ms");
        if (fallbackWebhookUrl != null) {
            m.put(FALLBACK_WEBHOOK, fallbackWebhookUrl);
        }
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
