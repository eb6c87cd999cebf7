package io.tocsin.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * What happened to one delivery attempt: accepted; refused for now (retry, after {@code retryAfter} when the
 * service said so); or refused for good (the alert goes to the undelivered topic with the reason).
 */
public record DeliveryResult(Outcome outcome, String reason, Optional<Duration> retryAfter) {

    public enum Outcome { DELIVERED, RETRY, PERMANENT_FAILURE }

    public static DeliveryResult delivered() {
        return new DeliveryResult(Outcome.DELIVERED, "ok", Optional.empty());
    }

    public static DeliveryResult retry(String reason) {
        return new DeliveryResult(Outcome.RETRY, reason, Optional.empty());
    }

    public static DeliveryResult retryAfter(String reason, Duration after) {
        return new DeliveryResult(Outcome.RETRY, reason, Optional.of(after));
    }

    public static DeliveryResult permanent(String reason) {
        return new DeliveryResult(Outcome.PERMANENT_FAILURE, reason, Optional.empty());
    }

    /** Classifies an HTTP status: 2xx delivered, 429/408/5xx retried, other 4xx permanent. */
    public static DeliveryResult ofHttpStatus(int status, String body, Optional<Duration> retryAfter) {
        if (status >= 200 && status < 300) {
            return delivered();
        }
        String reason = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body));
        if (status == 429 || status == 408 || status >= 500) {
            return new DeliveryResult(Outcome.RETRY, reason, retryAfter);
        }
        return permanent(reason);
    }

    /** Parses a Retry-After header given in seconds (Slack's form). */
    public static Optional<Duration> parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "…";
    }
}
