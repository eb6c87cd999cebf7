package io.tocsin.config;

import io.tocsin.errors.ThrottleRules;
import io.tocsin.heartbeat.HeartbeatRules;
import io.tocsin.model.Alert;
import io.tocsin.routing.Matchers;
import io.tocsin.routing.Route;
import io.tocsin.routing.RoutingRules;
import io.tocsin.model.ConfigException;
import io.tocsin.model.Durations;
import io.tocsin.model.Settings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.PunctuationType;

/**
 * The streams app's typed configuration. Built from a properties file overlaid with {@code TOCSIN_*} environment
 * variables; every value is validated here, at start, so a bad value fails with a message naming its key instead of
 * surfacing later as a strange runtime error.
 */
public record AppConfig(
        String bootstrapServers,
        String topicPrefix,
        String applicationId,
        Path stateDir,
        int httpPort,
        ThrottleRules throttle,
        List<String> scrubPatterns,
        HeartbeatRules heartbeat,
        Duration eventMaxFuture,
        int topicPartitions,
        short topicReplicationFactor,
        int streamThreads,
        Optional<String> slackWebhookUrl,
        Optional<String> slackToken,
        Optional<String> slackChannel,
        String slackApiUrl,
        int slackBatchMin,
        Duration slackRouteInterval,
        RoutingRules routing,
        Optional<String> publicUrl,
        Optional<String> applicationServer,
        Map<String, String> kafka) {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String HTTP_PORT = "http.port";
    public static final String ERROR_ALERT_LIMIT = "error.alert.limit";
    public static final String ERROR_ALERT_WINDOW = "error.alert.window";
    public static final String ERROR_ALERT_GRACE = "error.alert.grace";
    public static final String ERROR_DIGEST_MAX_DELAY = "error.digest.max-delay";
    public static final String ERROR_DEDUPE_WINDOW = "error.dedupe.window";
    public static final String ERROR_GROUP_RETENTION = "error.group.retention";
    /** {@code scrub.pattern.<name>=regex}: more text to scrub from events before storing or posting. */
    public static final String SCRUB_PATTERN_PREFIX = "scrub.pattern.";
    public static final String HEARTBEAT_TIMEOUT = "heartbeat.timeout";
    public static final String HEARTBEAT_CHECK_INTERVAL = "heartbeat.check-interval";
    public static final String HEARTBEAT_GROUP_MIN = "heartbeat.group.min";
    public static final String HEARTBEAT_GROUP_WAIT = "heartbeat.group.wait";
    public static final String HEARTBEAT_FLAP_COUNT = "heartbeat.flap.count";
    public static final String HEARTBEAT_FLAP_WINDOW = "heartbeat.flap.window";
    public static final String HEARTBEAT_RETENTION = "heartbeat.retention";
    /** {@code heartbeat.timeout.<service>}: a service's own timeout (file only: service names do not survive env-var naming). */
    public static final String HEARTBEAT_SERVICE_TIMEOUT_PREFIX = "heartbeat.timeout.";
    public static final String APPLICATION_SERVER = "application.server";
    public static final String EVENT_MAX_FUTURE = "event.max-future";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication-factor";
    public static final String STREAM_THREADS = "stream.threads";
    public static final String SLACK_WEBHOOK_URL = "slack.webhook.url";
    public static final String SLACK_TOKEN = "slack.token";
    public static final String SLACK_CHANNEL = "slack.channel";
    public static final String SLACK_API_URL = "slack.api.url";
    public static final String SLACK_BATCH_MIN = "slack.batch.min";
    public static final String SLACK_ROUTE_INTERVAL = "slack.route.interval";
    public static final String PUBLIC_URL = "http.public-url";
    public static final String KAFKA_PREFIX = "kafka.";

    /** Every key this app reads, besides the {@code kafka.*} pass-through. */
    public static final List<String> KEYS = List.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, APPLICATION_ID, STATE_DIR,
            HTTP_PORT, ERROR_ALERT_LIMIT, ERROR_ALERT_WINDOW, ERROR_ALERT_GRACE, ERROR_DIGEST_MAX_DELAY, ERROR_DEDUPE_WINDOW,
            ERROR_GROUP_RETENTION, HEARTBEAT_TIMEOUT, HEARTBEAT_CHECK_INTERVAL,
            HEARTBEAT_GROUP_MIN, HEARTBEAT_GROUP_WAIT, HEARTBEAT_FLAP_COUNT, HEARTBEAT_FLAP_WINDOW, HEARTBEAT_RETENTION,
            APPLICATION_SERVER, EVENT_MAX_FUTURE, TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR, STREAM_THREADS, SLACK_WEBHOOK_URL,
            SLACK_TOKEN, SLACK_CHANNEL, SLACK_API_URL, SLACK_BATCH_MIN, SLACK_ROUTE_INTERVAL, PUBLIC_URL, RoutingRules.ROUTES);

    private static final List<String> SECRET_WORDS = List.of("token", "password", "secret", "webhook", "jaas");

    public AppConfig {
        kafka = Map.copyOf(kafka);
        scrubPatterns = List.copyOf(scrubPatterns);
        if (slackToken.isPresent() != slackChannel.isPresent()) {
            throw new ConfigException(slackToken.isPresent() ? SLACK_CHANNEL : SLACK_TOKEN,
                    "bot token mode needs both slack.token and slack.channel");
        }
    }

    public static AppConfig defaults() {
        return fromSettings(new Settings(Map.of()));
    }

    /** Reads the optional file, overlays the environment, validates. Unknown environment names go to {@code warn}. */
    public static AppConfig load(Path file, Map<String, String> env, Consumer<String> warn) {
        Map<String, String> values = new TreeMap<>();
        if (file != null) {
            values.putAll(readFile(file));
        }
        Settings.Overrides overrides = Settings.fromEnvironment(env, KEYS);
        overrides.unknown().forEach(name -> warn.accept("ignoring unknown environment variable " + name));
        values.putAll(overrides.values());
        return fromSettings(new Settings(values));
    }

    public static AppConfig fromMap(Map<String, String> values) {
        values.keySet().forEach(AppConfig::requireKnown);
        return fromSettings(new Settings(values));
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
        values.keySet().forEach(AppConfig::requireKnown);
        return values;
    }

    private static void requireKnown(String key) {
        if (!KEYS.contains(key) && !key.startsWith(KAFKA_PREFIX) && !key.startsWith(HEARTBEAT_SERVICE_TIMEOUT_PREFIX)
                && !key.startsWith(SCRUB_PATTERN_PREFIX) && RoutingRules.PREFIXES.stream().noneMatch(key::startsWith)) {
            throw new ConfigException(key, "unknown key (known keys: " + String.join(", ", KEYS) + ", kafka.*)");
        }
    }

    private static AppConfig fromSettings(Settings s) {
        Map<String, String> kafka = new TreeMap<>();
        s.asMap().forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                kafka.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        String appId = s.string(APPLICATION_ID, "tocsin");
        return new AppConfig(
                s.string(BOOTSTRAP_SERVERS, "127.0.0.1:9092"),
                topicPrefix(s),
                appId,
                Path.of(s.string(STATE_DIR, Path.of(System.getProperty("java.io.tmpdir"), "tocsin-state").toString())),
                s.intValue(HTTP_PORT, 8080, 0, 65535),
                throttleRules(s),
                scrubPatterns(s),
                heartbeatRules(s),
                s.duration(EVENT_MAX_FUTURE, Duration.ofMinutes(5), Duration.ZERO),
                s.intValue(TOPIC_PARTITIONS, 3, 1, 10_000),
                (short) s.intValue(TOPIC_REPLICATION_FACTOR, -1, -1, 32),
                s.intValue(STREAM_THREADS, 1, 1, 64),
                url(s, SLACK_WEBHOOK_URL),
                s.get(SLACK_TOKEN),
                s.get(SLACK_CHANNEL),
                url(s, SLACK_API_URL).orElse("https://slack.com/api/"),
                s.intValue(SLACK_BATCH_MIN, 10, 1, 1000),
                s.duration(SLACK_ROUTE_INTERVAL, Duration.ofSeconds(1), Duration.ZERO),
                RoutingRules.from(s, new Route(Alert.DEFAULT_ROUTE, Matchers.ANY, url(s, SLACK_WEBHOOK_URL),
                        s.get(SLACK_TOKEN).flatMap(t -> s.get(SLACK_CHANNEL)), Optional.empty())),
                url(s, PUBLIC_URL),
                s.get(APPLICATION_SERVER),
                kafka);
    }

    private static ThrottleRules throttleRules(Settings s) {
        return new ThrottleRules(
                s.intValue(ERROR_ALERT_LIMIT, 5, 1, 10_000),
                s.duration(ERROR_ALERT_WINDOW, Duration.ofHours(1), Duration.ofSeconds(1)),
                s.duration(ERROR_ALERT_GRACE, Duration.ofMinutes(5), Duration.ZERO),
                s.duration(ERROR_DIGEST_MAX_DELAY, Duration.ofMinutes(5), Duration.ZERO),
                true,
                Duration.ofSeconds(1),
                s.duration(ERROR_DEDUPE_WINDOW, Duration.ofDays(1), Duration.ofMinutes(1)),
                s.duration(ERROR_GROUP_RETENTION, Duration.ofDays(7), Duration.ofMinutes(1)));
    }

    private static List<String> scrubPatterns(Settings s) {
        List<String> patterns = new java.util.ArrayList<>();
        s.asMap().forEach((key, regex) -> {
            if (key.startsWith(SCRUB_PATTERN_PREFIX)) {
                try {
                    java.util.regex.Pattern.compile(regex);
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new ConfigException(key, "is not a valid regular expression: " + e.getDescription());
                }
                patterns.add(regex);
            }
        });
        return patterns;
    }

    private static HeartbeatRules heartbeatRules(Settings s) {
        Map<String, Duration> perService = new TreeMap<>();
        for (String key : s.asMap().keySet()) {
            if (key.startsWith(HEARTBEAT_SERVICE_TIMEOUT_PREFIX)) {
                perService.put(key.substring(HEARTBEAT_SERVICE_TIMEOUT_PREFIX.length()), s.duration(key, null, Duration.ofMillis(500)));
            }
        }
        return new HeartbeatRules(
                s.duration(HEARTBEAT_TIMEOUT, Duration.ofSeconds(10), Duration.ofMillis(500)),
                perService,
                s.duration(HEARTBEAT_CHECK_INTERVAL, Duration.ofMillis(250), Duration.ofMillis(10)),
                PunctuationType.WALL_CLOCK_TIME,
                s.intValue(HEARTBEAT_GROUP_MIN, 3, 2, 100_000),
                s.duration(HEARTBEAT_GROUP_WAIT, Duration.ofSeconds(1), Duration.ZERO),
                s.intValue(HEARTBEAT_FLAP_COUNT, 3, 1, 1000),
                s.duration(HEARTBEAT_FLAP_WINDOW, Duration.ofMinutes(10), Duration.ofSeconds(1)),
                s.duration(HEARTBEAT_RETENTION, Duration.ofDays(7), Duration.ofSeconds(1)));
    }

    private static String topicPrefix(Settings s) {
        String prefix = s.string(TOPIC_PREFIX, "tocsin.");
        if (!prefix.matches("[a-zA-Z0-9._-]*")) {
            throw new ConfigException(TOPIC_PREFIX, "may hold only letters, digits, '.', '_' and '-', was '" + prefix + "'");
        }
        return prefix;
    }

    private static Optional<String> url(Settings s, String key) {
        Optional<String> v = s.get(key);
        v.ifPresent(u -> {
            if (!u.startsWith("http://") && !u.startsWith("https://")) {
                throw new ConfigException(key, "must be an http(s) URL");
            }
        });
        return v;
    }

    /** Host of {@code bootstrap.servers}' first entry (where the embedded broker listens). */
    public String bootstrapHost() {
        String first = bootstrapServers.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        return colon < 0 ? first : first.substring(0, colon);
    }

    public int bootstrapPort() {
        String first = bootstrapServers.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        try {
            return Integer.parseInt(first.substring(colon + 1));
        } catch (RuntimeException e) {
            throw new ConfigException(BOOTSTRAP_SERVERS, "must be host:port, was '" + bootstrapServers + "'");
        }
    }

    /** The effective configuration as key=value lines, secrets masked (for check-config and the start-up log). */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(BOOTSTRAP_SERVERS, bootstrapServers);
        out.put(TOPIC_PREFIX, topicPrefix);
        out.put(APPLICATION_ID, applicationId);
        out.put(STATE_DIR, stateDir.toString());
        out.put(HTTP_PORT, String.valueOf(httpPort));
        out.put(ERROR_ALERT_LIMIT, String.valueOf(throttle.limit()));
        out.put(ERROR_ALERT_WINDOW, Durations.format(throttle.window()));
        out.put(ERROR_ALERT_GRACE, Durations.format(throttle.grace()));
        out.put(ERROR_DIGEST_MAX_DELAY, Durations.format(throttle.digestMaxDelay()));
        out.put(ERROR_DEDUPE_WINDOW, Durations.format(throttle.dedupeWindow()));
        out.put(ERROR_GROUP_RETENTION, Durations.format(throttle.retention()));
        for (int i = 0; i < scrubPatterns.size(); i++) {
            out.put(SCRUB_PATTERN_PREFIX + (i + 1), scrubPatterns.get(i));
        }
        out.put(HEARTBEAT_TIMEOUT, Durations.format(heartbeat.timeout()));
        heartbeat.serviceTimeouts().forEach((service, t) -> out.put(HEARTBEAT_SERVICE_TIMEOUT_PREFIX + service, Durations.format(t)));
        out.put(HEARTBEAT_CHECK_INTERVAL, Durations.format(heartbeat.checkInterval()));
        out.put(HEARTBEAT_GROUP_MIN, String.valueOf(heartbeat.groupMin()));
        out.put(HEARTBEAT_GROUP_WAIT, Durations.format(heartbeat.groupWait()));
        out.put(HEARTBEAT_FLAP_COUNT, String.valueOf(heartbeat.flapCount()));
        out.put(HEARTBEAT_FLAP_WINDOW, Durations.format(heartbeat.flapWindow()));
        out.put(HEARTBEAT_RETENTION, Durations.format(heartbeat.retention()));
        out.put(APPLICATION_SERVER, applicationServer.orElse("(127.0.0.1:<http port>)"));
        out.put(EVENT_MAX_FUTURE, Durations.format(eventMaxFuture));
        out.put(TOPIC_PARTITIONS, String.valueOf(topicPartitions));
        out.put(TOPIC_REPLICATION_FACTOR, String.valueOf(topicReplicationFactor));
        out.put(STREAM_THREADS, String.valueOf(streamThreads));
        out.put(SLACK_WEBHOOK_URL, slackWebhookUrl.map(v -> "****").orElse("(unset: alerts go to the console)"));
        out.put(SLACK_TOKEN, slackToken.map(v -> "****").orElse("(unset)"));
        out.put(SLACK_CHANNEL, slackChannel.orElse("(unset)"));
        out.put(SLACK_API_URL, slackApiUrl);
        out.put(SLACK_BATCH_MIN, String.valueOf(slackBatchMin));
        out.put(SLACK_ROUTE_INTERVAL, Durations.format(slackRouteInterval));
        out.put(PUBLIC_URL, publicUrl.orElse("(unset: no links in messages)"));
        out.put(RoutingRules.ROUTES, routing.routes().stream().map(Route::name).reduce((a, b) -> a + "," + b).orElse(""));
        routing.routes().forEach(r -> out.put("route." + r.name(), r.matchers().fields() + " -> "
                + r.webhookUrl().map(u -> "webhook ****").orElse(r.channel().map(c -> "channel " + c).orElse("console"))
                + r.mention().map(m -> " mention " + m).orElse("")));
        routing.maintenance().forEach(w -> out.put("maintenance." + w.name(), w.matchers().fields() + " " + w.days() + " "
                + w.from() + "-" + w.to() + " " + w.zone()));
        routing.inhibitions().forEach(i -> out.put("inhibit." + i.name(), i.source() + " -> " + i.targets()));
        kafka.forEach((k, v) -> out.put(KAFKA_PREFIX + k, isSecret(k) ? "****" : v));
        return out;
    }

    private static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(k::contains);
    }
}
