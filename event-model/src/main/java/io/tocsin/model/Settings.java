package io.tocsin.model;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Raw configuration values (a map of dotted keys) with typed getters that fail with a {@link ConfigException}
 * naming the key. Shared by the streams app and the agent so both read durations, numbers and lists the same way.
 */
public final class Settings {

    public static final String ENV_PREFIX = "TOCSIN_";

    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        this.values = Map.copyOf(new TreeMap<>(values));
    }

    public Map<String, String> asMap() {
        return new TreeMap<>(values);
    }

    public Optional<String> get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String string(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    public String required(String key) {
        return get(key).orElseThrow(() -> new ConfigException(key, "is required"));
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        int v = parse(key, defaultValue, Integer::parseInt, "an integer");
        if (v < min || v > max) {
            throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> v = get(key).map(x -> x.trim().toLowerCase(java.util.Locale.ROOT));
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, "must be true or false, was '" + v.get() + "'");
        };
    }

    public long longValue(String key, long defaultValue, long min) {
        long v = parse(key, defaultValue, Long::parseLong, "an integer");
        if (v < min) {
            throw new ConfigException(key, "must be at least " + min + ", was " + v);
        }
        return v;
    }

    public Duration duration(String key, Duration defaultValue, Duration min) {
        Duration d = parse(key, defaultValue, Durations::parse, "a duration (500ms, 10s, 5m, 1h, 1d or ISO-8601)");
        if (d.compareTo(min) < 0) {
            throw new ConfigException(key, "must be at least " + Durations.format(min) + ", was " + Durations.format(d));
        }
        return d;
    }

    public List<String> list(String key, List<String> defaultValue) {
        return get(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(defaultValue);
    }

    private <T> T parse(String key, T defaultValue, Function<String, T> parser, String what) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return parser.apply(raw.get());
        } catch (RuntimeException e) {
            throw new ConfigException(key, "must be " + what + ", was '" + raw.get() + "'");
        }
    }

    /** The environment variable that overrides a key: {@code TOCSIN_} + the key upper-cased, '.' and '-' as '_'. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The overrides found in an environment, as dotted keys: each known key's {@link #envName}, and every
     * {@code TOCSIN_KAFKA_*} variable as a {@code kafka.*} pass-through key. Variables that match neither are
     * returned in {@code unknown} so the caller can warn (the agent shares the prefix).
     */
    public static Overrides fromEnvironment(Map<String, String> env, Collection<String> knownKeys) {
        Map<String, String> byEnvName = new TreeMap<>();
        for (String key : knownKeys) {
            byEnvName.put(envName(key), key);
        }
        Map<String, String> found = new TreeMap<>();
        List<String> unknown = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX)) {
                continue;
            }
            String key = byEnvName.get(name);
            if (key != null) {
                found.put(key, e.getValue());
            } else if (name.startsWith(ENV_PREFIX + "KAFKA_")) {
                found.put("kafka." + name.substring((ENV_PREFIX + "KAFKA_").length()).toLowerCase(Locale.ROOT).replace('_', '.'), e.getValue());
            } else {
                unknown.add(name);
            }
        }
        return new Overrides(found, List.copyOf(unknown));
    }

    public record Overrides(Map<String, String> values, List<String> unknown) {
    }
}
