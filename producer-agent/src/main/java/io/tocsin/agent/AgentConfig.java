package io.tocsin.agent;

import io.tocsin.model.ConfigException;
import io.tocsin.model.Settings;
import java.net.InetAddress;
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
        String address) {

    public static final String SERVICE = "service";
    public static final String INSTANCE = "instance";
    public static final String ENVIRONMENT = "environment";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String HEARTBEAT_INTERVAL = "heartbeat.interval";
    public static final String IN_APP_PACKAGES = "in-app.packages";
    public static final String QUEUE_CAPACITY = "queue.capacity";
    public static final String ADDRESS = "address";
    public static final List<String> KEYS = List.of(SERVICE, INSTANCE, ENVIRONMENT, BOOTSTRAP_SERVERS, TOPIC_PREFIX,
            HEARTBEAT_INTERVAL, IN_APP_PACKAGES, QUEUE_CAPACITY, ADDRESS);

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
        return new AgentConfig(
                s.required(SERVICE),
                s.get(INSTANCE).orElseGet(AgentConfig::defaultInstance),
                s.string(ENVIRONMENT, "default"),
                s.string(BOOTSTRAP_SERVERS, "127.0.0.1:9092"),
                s.string(TOPIC_PREFIX, "tocsin."),
                s.duration(HEARTBEAT_INTERVAL, Duration.ofSeconds(3), Duration.ofMillis(100)),
                s.list(IN_APP_PACKAGES, defaultInAppPackages()),
                s.intValue(QUEUE_CAPACITY, 10_000, 1, 10_000_000),
                s.get(ADDRESS).orElse(null));
    }

    public static AgentConfig of(String service, String environment, String bootstrapServers) {
        return load(Map.of(SERVICE, service, ENVIRONMENT, environment, BOOTSTRAP_SERVERS, bootstrapServers),
                new Properties(), Map.of());
    }

    public AgentConfig withInstance(String newInstance) {
        return new AgentConfig(service, newInstance, environment, bootstrapServers, topicPrefix, heartbeatInterval,
                inAppPackages, queueCapacity, address);
    }

    public AgentConfig withInAppPackages(List<String> packages) {
        return new AgentConfig(service, instance, environment, bootstrapServers, topicPrefix, heartbeatInterval,
                packages, queueCapacity, address);
    }

    public AgentConfig withHeartbeatInterval(Duration interval) {
        return new AgentConfig(service, instance, environment, bootstrapServers, topicPrefix, interval,
                inAppPackages, queueCapacity, address);
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
