package io.tocsin.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One configuration key, declared once: its name, what it means, its default, how its text is read and validated
 * (a bad value fails with a {@link ConfigException} naming the key), and how its value is shown by
 * {@code check-config} (secrets masked). Declared through {@link ConfigKeys.Builder}, which also makes it known for
 * environment overrides and unknown-key detection.
 *
 * @param <T> the parsed type
 */
public final class ConfigKey<T> {

    /** Reads the key's value from the settings, default and validation included. */
    @FunctionalInterface
    public interface Parser<T> {
        T read(Settings settings, String name);
    }

    private final String name;
    private final String doc;
    private final Parser<T> parser;
    private final Function<T, String> shown;

    ConfigKey(String name, String doc, Parser<T> parser, Function<T, String> shown) {
        this.name = name;
        this.doc = doc;
        this.parser = parser;
        this.shown = shown;
    }

    static ConfigKey<String> text(String name, String defaultValue, String doc) {
        return new ConfigKey<>(name, doc, (s, n) -> s.string(n, defaultValue), v -> v);
    }

    static ConfigKey<Optional<String>> optional(String name, String whenUnset, String doc) {
        return new ConfigKey<>(name, doc, Settings::get, v -> v.orElse(whenUnset));
    }

    static ConfigKey<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        return new ConfigKey<>(name, doc, (s, n) -> s.intValue(n, defaultValue, min, max), String::valueOf);
    }

    static ConfigKey<Boolean> bool(String name, boolean defaultValue, String doc) {
        return new ConfigKey<>(name, doc, (s, n) -> s.bool(n, defaultValue), String::valueOf);
    }

    static ConfigKey<Long> longValue(String name, long defaultValue, long min, String doc) {
        return new ConfigKey<>(name, doc, (s, n) -> s.longValue(n, defaultValue, min), String::valueOf);
    }

    static ConfigKey<Duration> duration(String name, Duration defaultValue, Duration min, String doc) {
        return new ConfigKey<>(name, doc, (s, n) -> s.duration(n, defaultValue, min), Durations::format);
    }

    static ConfigKey<List<String>> list(String name, List<String> defaultValue, String doc) {
        return new ConfigKey<>(name, doc, (s, n) -> s.list(n, defaultValue), v -> String.join(",", v));
    }

    /** An http(s) URL, or unset. */
    static ConfigKey<Optional<String>> url(String name, String whenUnset, String doc) {
        return new ConfigKey<>(name, doc, (s, n) -> {
            Optional<String> v = s.get(n);
            v.ifPresent(u -> {
                if (!u.startsWith("http://") && !u.startsWith("https://")) {
                    throw new ConfigException(n, "must be an http(s) URL");
                }
            });
            return v;
        }, v -> v.orElse(whenUnset));
    }

    static <T> ConfigKey<T> custom(String name, String doc, Parser<T> parser, Function<T, String> shown) {
        return new ConfigKey<>(name, doc, parser, shown);
    }

    /** The same key, shown as {@code ****} when set. */
    public ConfigKey<T> secret() {
        return new ConfigKey<>(name, doc, parser, v -> v instanceof Optional<?> o && o.isEmpty() ? shown.apply(v) : "****");
    }

    public String name() {
        return name;
    }

    public String doc() {
        return doc;
    }

    public T read(Settings settings) {
        return parser.read(settings, name);
    }

    public String show(T value) {
        return shown.apply(value);
    }

    @Override
    public String toString() {
        return name;
    }
}
