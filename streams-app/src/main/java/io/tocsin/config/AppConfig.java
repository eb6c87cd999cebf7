package io.tocsin.config;

import io.tocsin.errors.ThrottleRules;
import io.tocsin.heartbeat.HeartbeatRules;
import io.tocsin.model.Alert;
import io.tocsin.model.ConfigException;
import io.tocsin.model.ConfigKey;
import io.tocsin.model.ConfigKeys;
import io.tocsin.model.Durations;
import io.tocsin.model.Settings;
import io.tocsin.routing.Matchers;
import io.tocsin.routing.Route;
import io.tocsin.routing.RoutingRules;
import io.tocsin.watchdog.Watchdog;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.streams.processor.PunctuationType;

/**
 * The streams app's typed configuration. Built from a properties file overlaid with {@code TOCSIN_*} environment
 * variables; every value is validated here, at start, so a bad value fails with a message naming its key instead of
 * surfacing later as a strange runtime error. Its length is its key declarations (each key once: name, default,
 * validation, meaning); everything else about a key is derived from them.
 */
public record AppConfig(
        String bootstrapServers,
        String topicPrefix,
        String applicationId,
        Path stateDir,
        int httpPort,
        HttpAccess http,
        ThrottleRules throttle,
        List<String> scrubPatterns,
        HeartbeatRules heartbeat,
        Duration eventMaxFuture,
        int topicPartitions,
        short topicReplicationFactor,
        int streamThreads,
        long rocksDbMemory,
        Optional<String> slackWebhookUrl,
        Optional<String> slackToken,
        Optional<String> slackChannel,
        String slackApiUrl,
        int slackBatchMin,
        Duration slackRouteInterval,
        RoutingRules routing,
        Optional<String> publicUrl,
        Optional<String> applicationServer,
        Optional<Watchdog.Settings> watchdog,
        LogFormat logFormat,
        Duration shutdownTimeout,
        Map<String, String> kafka,
        Map<String, String> effective) {

    private static final ConfigKeys.Builder K = ConfigKeys.builder();
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = K.text("bootstrap.servers", "127.0.0.1:9092",
            "Kafka; broker/dev/demo listen on its first host:port");
    public static final ConfigKey<String> TOPIC_PREFIX = K.custom("topic.prefix", "prefix of every topic",
            (s, n) -> {
                String prefix = s.string(n, "tocsin.");
                if (!prefix.matches("[a-zA-Z0-9._-]*")) {
                    throw new ConfigException(n, "may hold only letters, digits, '.', '_' and '-', was '" + prefix + "'");
                }
                return prefix;
            }, p -> p);
    public static final ConfigKey<String> APPLICATION_ID = K.text("application.id", "tocsin",
            "Kafka Streams application id (the notifier's group is <id>-notifier)");
    public static final ConfigKey<String> STATE_DIR = K.text("state.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "tocsin-state").toString(), "RocksDB state; set it per instance in production");
    public static final ConfigKey<Integer> HTTP_PORT = K.integer("http.port", 8080, 0, 65535, "health, metrics and API");
    public static final ConfigKey<String> HTTP_BIND = K.text("http.bind", "0.0.0.0",
            "address the HTTP API listens on (dev and demo: 127.0.0.1 unless set)");
    public static final ConfigKey<Optional<String>> HTTP_TOKEN = K.secret("http.token",
            "(unset: changes only when http.bind is a loopback address)", "bearer token every API change must carry");
    public static final ConfigKey<Boolean> HTTP_TOKEN_READS = K.bool("http.token.reads", false,
            "whether /api reads need the token too (health and metrics never do)");
    public static final ConfigKey<String> HTTP_BASE_PATH = K.custom("http.base-path",
            "path prefix a reverse proxy serves the console and API under, e.g. /tocsin (they answer at / too)",
            (s, n) -> {
                String path = s.string(n, "");
                if (!path.isEmpty() && !path.matches("(/(?!\\.+(/|$))[A-Za-z0-9._~-]+)+")) {
                    throw new ConfigException(n, "must be empty or like /tocsin (segments of letters, digits, '.', '_', '~', '-', none only dots, no trailing /), was '" + path + "'");
                }
                return path;
            }, p -> p);
    public static final ConfigKey<Duration> SILENCE_MAX_DURATION = K.duration("silence.max-duration", Duration.ofDays(7),
            Duration.ofMinutes(1), "the longest silence the API accepts");
    public static final ConfigKey<Integer> ERROR_ALERT_LIMIT = K.integer("error.alert.limit", 5, 1, 10_000,
            "alerts per error group and window");
    public static final ConfigKey<Duration> ERROR_ALERT_WINDOW = K.duration("error.alert.window", Duration.ofHours(1),
            Duration.ofSeconds(1), "the throttle window, opened by a group's first occurrence");
    public static final ConfigKey<Duration> ERROR_ALERT_GRACE = K.duration("error.alert.grace", Duration.ofMinutes(5),
            Duration.ZERO, "how late an occurrence may be and still land in its window");
    public static final ConfigKey<Duration> ERROR_DIGEST_MAX_DELAY = K.duration("error.digest.max-delay", Duration.ofMinutes(5),
            Duration.ZERO, "a quiet group's window closes (and digests) this long after end + grace");
    public static final ConfigKey<Duration> ERROR_DEDUPE_WINDOW = K.duration("error.dedupe.window", Duration.ofHours(1),
            Duration.ofMinutes(1), "how long (event time) every event id is remembered to drop duplicates");
    public static final ConfigKey<Duration> ERROR_SAMPLE_INTERVAL = K.duration("error.sample.interval", Duration.ofMinutes(1),
            Duration.ZERO, "a group's sample event is refreshed at most this often (event time); 0 keeps every event whole");
    public static final ConfigKey<Duration> ERROR_GROUPS_PUBLISH_INTERVAL = K.duration("error.groups.publish-interval",
            Duration.ofSeconds(1), Duration.ZERO, "changed groups go to tocsin.error-groups this often, once each; 0: every change at once");
    public static final ConfigKey<Duration> ERROR_GROUP_RETENTION = K.duration("error.group.retention", Duration.ofDays(7),
            Duration.ofMinutes(1), "an idle group is dropped from state after this");
    /** {@code scrub.pattern.<name>=regex}: more text to scrub from events before storing or posting. */
    public static final String SCRUB_PATTERN_PREFIX = K.prefix("scrub.pattern.");
    public static final ConfigKey<Duration> HEARTBEAT_TIMEOUT = K.duration("heartbeat.timeout", Duration.ofSeconds(10),
            Duration.ofMillis(500), "silence before an instance is down (at least 2 x interval + 1 s)");
    /** {@code heartbeat.timeout.<service>}: a service's own timeout (file only: service names do not survive env-var naming). */
    public static final String HEARTBEAT_SERVICE_TIMEOUT_PREFIX = K.prefix("heartbeat.timeout.");
    public static final ConfigKey<Duration> HEARTBEAT_CHECK_INTERVAL = K.duration("heartbeat.check-interval", Duration.ofMillis(250),
            Duration.ofMillis(10), "how often silence is checked (wall clock)");
    public static final ConfigKey<Integer> HEARTBEAT_GROUP_MIN = K.integer("heartbeat.group.min", 3, 2, 100_000,
            "mass outage: this many of one service within the wait give one SERVICE_DOWN");
    public static final ConfigKey<Duration> HEARTBEAT_GROUP_WAIT = K.duration("heartbeat.group.wait", Duration.ofSeconds(1),
            Duration.ZERO, "how long a fresh outage waits for others of its service");
    public static final ConfigKey<Integer> HEARTBEAT_FLAP_COUNT = K.integer("heartbeat.flap.count", 3, 1, 1000,
            "more downs than this within the flap window is flapping");
    public static final ConfigKey<Duration> HEARTBEAT_FLAP_WINDOW = K.duration("heartbeat.flap.window", Duration.ofMinutes(10),
            Duration.ofSeconds(1), "see heartbeat.flap.count; also how long an instance must be stable to stop flapping");
    public static final ConfigKey<Duration> HEARTBEAT_RETENTION = K.duration("heartbeat.retention", Duration.ofDays(7),
            Duration.ofSeconds(1), "down and stopped instances are forgotten after this");
    public static final ConfigKey<Duration> HEARTBEAT_REGISTRY_REFRESH = K.duration("heartbeat.registry.refresh",
            Duration.ofSeconds(10), Duration.ZERO,
            "a heartbeat changing only load figures goes to tocsin.instances at most this often per instance; 0: every one");
    public static final ConfigKey<Optional<String>> APPLICATION_SERVER = K.optional("application.server",
            "(127.0.0.1:<http port>)", "host:port other app instances reach this one's HTTP API at");
    public static final ConfigKey<Duration> EVENT_MAX_FUTURE = K.duration("event.max-future", Duration.ofMinutes(5),
            Duration.ZERO, "event times further ahead of the broker's time are clamped to it");
    public static final ConfigKey<Integer> TOPIC_PARTITIONS = K.integer("topic.partitions", 3, 1, 10_000,
            "partitions of the topics the app creates");
    public static final ConfigKey<Integer> TOPIC_REPLICATION_FACTOR = K.integer("topic.replication-factor", -1, -1, 32,
            "replication of the topics the app creates (-1: the broker's default)");
    public static final ConfigKey<Integer> STREAM_THREADS = K.integer("stream.threads", 1, 1, 64, "Kafka Streams threads");
    public static final ConfigKey<Long> ROCKSDB_MEMORY = K.custom("rocksdb.memory",
            "off-heap memory for all RocksDB stores together, block cache and memtables (e.g. 256m, 1g)",
            (s, n) -> Sizes.parse(n, s.string(n, "256m"), 16L << 20), Sizes::show);
    public static final ConfigKey<Optional<String>> SLACK_WEBHOOK_URL = K.secretUrl("slack.webhook.url",
            "(unset: alerts go to the console)", "incoming webhook of the default route");
    public static final ConfigKey<Optional<String>> SLACK_TOKEN = K.secret("slack.token", "(unset)",
            "bot token of the default route (with slack.channel)");
    public static final ConfigKey<Optional<String>> SLACK_CHANNEL = K.optional("slack.channel", "(unset)",
            "channel of the default route in bot token mode");
    public static final ConfigKey<Optional<String>> SLACK_API_URL = K.url("slack.api.url", "https://slack.com/api/",
            "Web API base URL (tests point it at a local server)");
    public static final ConfigKey<Integer> SLACK_BATCH_MIN = K.integer("slack.batch.min", 10, 1, 1000,
            "a route's backlog of at least this many alerts is posted as one batch message");
    public static final ConfigKey<Duration> SLACK_ROUTE_INTERVAL = K.duration("slack.route.interval", Duration.ofSeconds(1),
            Duration.ZERO, "at most one post per route per interval");
    public static final ConfigKey<Optional<String>> PUBLIC_URL = K.url("http.public-url", "(unset: no links in messages)",
            "where people reach this app's HTTP API; messages link to error groups there");
    public static final ConfigKey<Optional<String>> WATCHDOG_URL = K.secretUrl("watchdog.url", "(unset: no watchdog)",
            "dead man's switch: GET while canaries come through the whole pipeline (e.g. a healthchecks-style check URL)");
    public static final ConfigKey<Duration> WATCHDOG_INTERVAL = K.duration("watchdog.interval", Duration.ofMinutes(1),
            Duration.ofSeconds(1), "a canary round and (when the last came through) a ping this often");
    public static final ConfigKey<List<String>> ROUTES = K.list(RoutingRules.ROUTES, List.of(),
            "named routes, tried in order before the default one (route.<name>.*)");
    public static final ConfigKey<LogFormat> LOG_FORMAT = K.custom("log.format",
            "how log lines on stderr are written: text (default) or json (one JSON object a line)",
            (s, n) -> LogFormat.parse(n, s.string(n, LogFormat.TEXT.shown())), LogFormat::shown);
    public static final Duration SHUTDOWN_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = K.duration("shutdown.timeout", SHUTDOWN_TIMEOUT_DEFAULT,
            Duration.ofSeconds(1), "the most a stop (SIGTERM, Ctrl-C) may take: in-flight posts end, offsets are committed");
    public static final String KAFKA_PREFIX = K.prefix("kafka.");
    static {
        RoutingRules.PREFIXES.forEach(K::prefix);
    }
    /** Every key this app reads, and the key families. */
    public static final ConfigKeys KEYS = K.build();

    private static final List<String> SECRET_WORDS = List.of("token", "password", "secret", "webhook", "jaas");

    public AppConfig {
        kafka = Map.copyOf(kafka);
        effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
        scrubPatterns = List.copyOf(scrubPatterns);
        if (slackToken.isPresent() != slackChannel.isPresent()) {
            throw new ConfigException(slackToken.isPresent() ? SLACK_CHANNEL.name() : SLACK_TOKEN.name(),
                    "bot token mode needs both slack.token and slack.channel");
        }
    }

    public static AppConfig defaults() {
        return fromSettings(new Settings(Map.of()));
    }

    /** Reads the optional file, overlays the environment, validates. Unknown environment names go to {@code warn}. */
    public static AppConfig load(Path file, Map<String, String> env, Consumer<String> warn) {
        return load(file, env, warn, Map.of());
    }

    /** As {@link #load(Path, Map, Consumer)}, with defaults of a verb (e.g. dev's loopback bind) under the user's values. */
    public static AppConfig load(Path file, Map<String, String> env, Consumer<String> warn, Map<String, String> verbDefaults) {
        return load(file, env, warn, verbDefaults, Map.of());
    }

    /** As above, with {@code overrides} (e.g. replay's {@code --set}) over everything else; each must be a known key. */
    public static AppConfig load(Path file, Map<String, String> env, Consumer<String> warn, Map<String, String> verbDefaults,
                                 Map<String, String> overrides) {
        overrides.keySet().forEach(AppConfig::requireKnown);
        Map<String, String> values = new TreeMap<>(verbDefaults);
        if (file != null) {
            values.putAll(readFile(file));
        }
        Settings.Overrides envOverrides = Settings.fromEnvironment(env, KEYS.names());
        envOverrides.unknown().forEach(name -> warn.accept("ignoring unknown environment variable " + name));
        values.putAll(envOverrides.values());
        values.putAll(overrides);
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
        KEYS.requireKnown(key, "key");
    }

    private static AppConfig fromSettings(Settings s) {
        Map<String, String> kafka = new TreeMap<>();
        s.asMap().forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                kafka.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        ConfigKeys.Reading r = new ConfigKeys.Reading(s);
        Optional<String> webhook = r.get(SLACK_WEBHOOK_URL);
        Optional<String> token = r.get(SLACK_TOKEN);
        Optional<String> channel = r.get(SLACK_CHANNEL);
        return new AppConfig(
                r.get(BOOTSTRAP_SERVERS),
                r.get(TOPIC_PREFIX),
                r.get(APPLICATION_ID),
                Path.of(r.get(STATE_DIR)),
                r.get(HTTP_PORT),
                new HttpAccess(r.get(HTTP_BIND), r.get(HTTP_TOKEN), r.get(HTTP_TOKEN_READS), r.get(SILENCE_MAX_DURATION),
                        r.get(HTTP_BASE_PATH)),
                throttleRules(r),
                scrubPatterns(s),
                heartbeatRules(r),
                r.get(EVENT_MAX_FUTURE),
                r.get(TOPIC_PARTITIONS),
                r.get(TOPIC_REPLICATION_FACTOR).shortValue(),
                r.get(STREAM_THREADS),
                r.get(ROCKSDB_MEMORY),
                webhook,
                token,
                channel,
                r.get(SLACK_API_URL).orElse("https://slack.com/api/"),
                r.get(SLACK_BATCH_MIN),
                r.get(SLACK_ROUTE_INTERVAL),
                RoutingRules.from(s, new Route(Alert.DEFAULT_ROUTE, Matchers.ANY, webhook, token.flatMap(t -> channel), Optional.empty())),
                r.get(PUBLIC_URL),
                r.get(APPLICATION_SERVER),
                r.get(WATCHDOG_URL).map(url -> new Watchdog.Settings(URI.create(url), r.get(WATCHDOG_INTERVAL))),
                r.get(LOG_FORMAT),
                r.get(SHUTDOWN_TIMEOUT),
                kafka,
                r.effective());
    }

    private static ThrottleRules throttleRules(ConfigKeys.Reading r) {
        return new ThrottleRules(
                r.get(ERROR_ALERT_LIMIT),
                r.get(ERROR_ALERT_WINDOW),
                r.get(ERROR_ALERT_GRACE),
                r.get(ERROR_DIGEST_MAX_DELAY),
                true,
                Duration.ofSeconds(1),
                r.get(ERROR_DEDUPE_WINDOW),
                r.get(ERROR_GROUP_RETENTION),
                r.get(ERROR_SAMPLE_INTERVAL),
                r.get(ERROR_GROUPS_PUBLISH_INTERVAL));
    }

    private static List<String> scrubPatterns(Settings s) {
        List<String> patterns = new ArrayList<>();
        s.asMap().forEach((key, regex) -> {
            if (key.startsWith(SCRUB_PATTERN_PREFIX)) {
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(key, "is not a valid regular expression: " + e.getDescription());
                }
                patterns.add(regex);
            }
        });
        return patterns;
    }

    private static HeartbeatRules heartbeatRules(ConfigKeys.Reading r) {
        Map<String, Duration> perService = new TreeMap<>();
        for (String key : r.settings().asMap().keySet()) {
            if (key.startsWith(HEARTBEAT_SERVICE_TIMEOUT_PREFIX)) {
                perService.put(key.substring(HEARTBEAT_SERVICE_TIMEOUT_PREFIX.length()),
                        r.settings().duration(key, null, Duration.ofMillis(500)));
            }
        }
        return new HeartbeatRules(
                r.get(HEARTBEAT_TIMEOUT),
                perService,
                r.get(HEARTBEAT_CHECK_INTERVAL),
                PunctuationType.WALL_CLOCK_TIME,
                r.get(HEARTBEAT_GROUP_MIN),
                r.get(HEARTBEAT_GROUP_WAIT),
                r.get(HEARTBEAT_FLAP_COUNT),
                r.get(HEARTBEAT_FLAP_WINDOW),
                r.get(HEARTBEAT_RETENTION),
                r.get(HEARTBEAT_REGISTRY_REFRESH));
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
            throw new ConfigException(BOOTSTRAP_SERVERS.name(), "must be host:port, was '" + bootstrapServers + "'");
        }
    }

    /**
     * The effective configuration as key=value lines, secrets masked (for check-config and the start-up log): every
     * declared key as it was read, then the key families.
     */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        KEYS.names().stream().filter(effective::containsKey).forEach(k -> out.put(k, effective.get(k)));
        for (int i = 0; i < scrubPatterns.size(); i++) {
            out.put(SCRUB_PATTERN_PREFIX + (i + 1), scrubPatterns.get(i));
        }
        heartbeat.serviceTimeouts().forEach((service, t) -> out.put(HEARTBEAT_SERVICE_TIMEOUT_PREFIX + service, Durations.format(t)));
        out.put(ROUTES.name(), routing.routes().stream().map(Route::name).reduce((a, b) -> a + "," + b).orElse(""));
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
