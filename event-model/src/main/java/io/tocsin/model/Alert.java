package io.tocsin.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

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

    /** Who an alert is about: its key on the alerts topic (fingerprint, {@code service/instance} or service) and scope. */
    public record Subject(String key, String service, String environment, String instance) {
    }

    /** Occurrence {@code occurrence} of {@code limit} of an error group in the window {@code [windowStart, windowEnd)}. */
    public static Alert error(String id, Subject subject, Instant at, String title, String text, int occurrence, int limit,
                              Instant windowStart, Instant windowEnd) {
        return unrouted(id, AlertKind.ERROR, subject, at, title, text, occurrence, limit, windowStart, windowEnd, 0);
    }

    /** What a closed window suppressed beyond its {@code limit} alerts. */
    public static Alert digest(String id, Subject subject, Instant at, String title, String text, int limit,
                               Instant windowStart, Instant windowEnd, long suppressed) {
        return unrouted(id, AlertKind.ERROR_DIGEST, subject, at, title, text, null, limit, windowStart, windowEnd, suppressed);
    }

    /** An instance or service going down, coming back or flapping. */
    public static Alert availability(String id, AlertKind kind, Subject subject, Instant at, String title, String text) {
        if (kind == AlertKind.ERROR || kind == AlertKind.ERROR_DIGEST) {
            throw new IllegalArgumentException(kind + " is not an availability alert");
        }
        return unrouted(id, kind, subject, at, title, text, null, null, null, null, 0);
    }

    /** A message outside the rules (a test post through a route), shown as an error alert. */
    public static Alert notice(String id, Subject subject, Instant at, String title, String text) {
        return unrouted(id, AlertKind.ERROR, subject, at, title, text, null, null, null, null, 0);
    }

    /** A synthetic alert that proves the pipeline works end to end; {@code part} says which input it came from. */
    public static Alert canary(String id, Subject subject, Instant at, String part) {
        return unrouted(id, AlertKind.CANARY, subject, at, "Tocsin canary", part, null, null, null, null, 0);
    }

    private static Alert unrouted(String id, AlertKind kind, Subject s, Instant at, String title, String text,
                                  Integer occurrence, Integer limit, Instant windowStart, Instant windowEnd, long suppressed) {
        return new Alert(TYPE, EventCodec.VERSION, id, kind, s.key(), s.service(), s.environment(), s.instance(), at, title,
                text, occurrence, limit, windowStart, windowEnd, suppressed, DEFAULT_ROUTE, false, null);
    }

    /** The same alert sent to {@code newRoute}, kept out of Slack by {@code by} when there is one. */
    public Alert routed(String newRoute, Optional<Suppression> by) {
        return new Alert(type, version, id, kind, key, service, environment, instance, timestamp, title, text, occurrence,
                limit, windowStart, windowEnd, suppressed, newRoute, by.isPresent(), by.map(Suppression::encoded).orElse(null));
    }

    /** Why it was kept out of Slack, if it was. */
    public Optional<Suppression> suppression() {
        return Suppression.parse(silencedBy);
    }

    public Alert withWording(String newTitle, String newText) {
        return new Alert(type, version, id, kind, key, service, environment, instance, timestamp, newTitle, newText, occurrence,
                limit, windowStart, windowEnd, suppressed, route, silenced, silencedBy);
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
