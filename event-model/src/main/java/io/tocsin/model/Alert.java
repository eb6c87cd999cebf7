package io.tocsin.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * An alert on {@code tocsin.alerts}. Its id is derived from what triggered it (key, window, sequence), never from
 * wall-clock time or randomness, so replaying the same input gives the same ids and Slack delivery can de-duplicate.
 */
public record Alert(
        String type,
        int version,
        String id,
        AlertKind kind,
        String key,
        String service,
        String environment,
        String instance,
        Instant timestamp,
        String title,
        String text,
        Integer occurrence,
        Integer limit,
        Instant windowStart,
        Instant windowEnd,
        long suppressed,
        String route,
        boolean silenced,
        String silencedBy) {

    public static final String TYPE = "alert";
    public static final String DEFAULT_ROUTE = "default";

    /** An alert not yet routed: default route, not silenced. */
    public Alert(String type, int version, String id, AlertKind kind, String key, String service, String environment,
                 String instance, Instant timestamp, String title, String text, Integer occurrence, Integer limit,
                 Instant windowStart, Instant windowEnd, long suppressed, String route) {
        this(type, version, id, kind, key, service, environment, instance, timestamp, title, text, occurrence, limit,
                windowStart, windowEnd, suppressed, route, false, null);
    }

    /** The same alert sent to {@code newRoute}, silenced by {@code by} (a silence, a maintenance window, an inhibition) or not (null). */
    public Alert routed(String newRoute, String by) {
        return new Alert(type, version, id, kind, key, service, environment, instance, timestamp, title, text, occurrence,
                limit, windowStart, windowEnd, suppressed, newRoute, by != null, by);
    }

    public Alert withText(String newText) {
        return new Alert(type, version, id, kind, key, service, environment, instance, timestamp, title, newText, occurrence,
                limit, windowStart, windowEnd, suppressed, route, silenced, silencedBy);
    }

    /** A deterministic id: the first 128 bits of SHA-256 over the given parts, hex encoded. */
    public static String idOf(Object... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object part : parts) {
                sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
