package io.tocsin.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The keys of one configuration, in declaration order, plus the prefixes of key families ({@code kafka.*},
 * {@code route.<name>.*}, …). Everything derived from the keys (environment overrides, unknown-key errors, the
 * effective values {@code check-config} prints, the README check) comes from here, so a key is written once.
 */
public final class ConfigKeys {

    private final List<ConfigKey<?>> keys;
    private final List<String> names;
    private final List<String> prefixes;

    private ConfigKeys(List<ConfigKey<?>> keys, List<String> prefixes) {
        this.keys = List.copyOf(keys);
        this.names = this.keys.stream().map(ConfigKey::name).toList();
        this.prefixes = List.copyOf(prefixes);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<ConfigKey<?>> all() {
        return keys;
    }

    public List<String> names() {
        return names;
    }

    public List<String> prefixes() {
        return prefixes;
    }

    public boolean isKnown(String key) {
        return names.contains(key) || prefixes.stream().anyMatch(key::startsWith);
    }

    /** Fails naming the key when it is neither a declared key nor in a declared family. */
    public void requireKnown(String key, String what) {
        if (!isKnown(key)) {
            throw new ConfigException(key, "unknown " + what + " (known keys: " + String.join(", ", names)
                    + (prefixes.isEmpty() ? "" : ", " + String.join("*, ", prefixes) + "*") + ")");
        }
    }

    /** Reads keys from one set of settings and remembers each value as shown, in reading order. */
    public static final class Reading {
        private final Settings settings;
        private final Map<String, String> effective = new LinkedHashMap<>();

        public Reading(Settings settings) {
            this.settings = settings;
        }

        public <T> T get(ConfigKey<T> key) {
            T value = key.read(settings);
            effective.put(key.name(), key.show(value));
            return value;
        }

        public Settings settings() {
            return settings;
        }

        /** What was read, {@code key -> value as shown} (secrets masked). */
        public Map<String, String> effective() {
            return new LinkedHashMap<>(effective);
        }
    }

    /**
     * Declares keys as constants are initialised; {@link #build()} after the last one. Used only during the declaring
     * class's initialisation, so the resulting set never changes.
     */
    public static final class Builder {
        private final List<ConfigKey<?>> keys = new ArrayList<>();
        private final List<String> prefixes = new ArrayList<>();

        private <T> ConfigKey<T> add(ConfigKey<T> key) {
            keys.add(key);
            return key;
        }

        public ConfigKey<String> text(String name, String defaultValue, String doc) {
            return add(ConfigKey.text(name, defaultValue, doc));
        }

        public ConfigKey<Optional<String>> optional(String name, String whenUnset, String doc) {
            return add(ConfigKey.optional(name, whenUnset, doc));
        }

        public ConfigKey<Optional<String>> secret(String name, String whenUnset, String doc) {
            return add(ConfigKey.optional(name, whenUnset, doc).secret());
        }

        public ConfigKey<Optional<String>> url(String name, String whenUnset, String doc) {
            return add(ConfigKey.url(name, whenUnset, doc));
        }

        public ConfigKey<Optional<String>> secretUrl(String name, String whenUnset, String doc) {
            return add(ConfigKey.url(name, whenUnset, doc).secret());
        }

        public ConfigKey<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
            return add(ConfigKey.integer(name, defaultValue, min, max, doc));
        }

        public ConfigKey<Boolean> bool(String name, boolean defaultValue, String doc) {
            return add(ConfigKey.bool(name, defaultValue, doc));
        }

        public ConfigKey<Long> longValue(String name, long defaultValue, long min, String doc) {
            return add(ConfigKey.longValue(name, defaultValue, min, doc));
        }

        public ConfigKey<Duration> duration(String name, Duration defaultValue, Duration min, String doc) {
            return add(ConfigKey.duration(name, defaultValue, min, doc));
        }

        public ConfigKey<List<String>> list(String name, List<String> defaultValue, String doc) {
            return add(ConfigKey.list(name, defaultValue, doc));
        }

        public <T> ConfigKey<T> custom(String name, String doc, ConfigKey.Parser<T> parser, Function<T, String> shown) {
            return add(ConfigKey.custom(name, doc, parser, shown));
        }

        /** A family of keys sharing a prefix (parsed by their own code), e.g. {@code kafka.}. */
        public String prefix(String prefix) {
            prefixes.add(prefix);
            return prefix;
        }

        public ConfigKeys build() {
            return new ConfigKeys(keys, prefixes);
        }
    }
}
