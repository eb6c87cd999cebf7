package io.tocsin.config;

import io.tocsin.model.ConfigException;
import java.util.Locale;

/** How log lines are written on stderr ({@code log.format}): for people, or one JSON object a line for a log shipper. */
public enum LogFormat {
    TEXT, JSON;

    static LogFormat parse(String key, String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "must be text or json, was '" + value + "'");
        }
    }

    public String shown() {
        return name().toLowerCase(Locale.ROOT);
    }
}
