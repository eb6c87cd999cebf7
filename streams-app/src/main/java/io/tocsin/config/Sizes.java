package io.tocsin.config;

import io.tocsin.model.ConfigException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes in configuration: bytes, or a number with k, m, g (powers of 1024; "MiB", "MB" read the same). */
final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)(?:i?b)?");

    private Sizes() {
    }

    static long parse(String key, String value, long min) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(key, "must be a size such as 256m or 1g, was '" + value + "'");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(m.group(1)), switch (m.group(2)) {
                case "k" -> 1L << 10;
                case "m" -> 1L << 20;
                case "g" -> 1L << 30;
                default -> 1L;
            });
        } catch (ArithmeticException | NumberFormatException e) {
            throw new ConfigException(key, "is too large: '" + value + "'");
        }
        if (bytes < min) {
            throw new ConfigException(key, "must be at least " + show(min) + ", was '" + value + "'");
        }
        return bytes;
    }

    static String show(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "g";
        }
        return bytes % (1L << 20) == 0 ? bytes / (1L << 20) + "m" : String.valueOf(bytes);
    }
}
