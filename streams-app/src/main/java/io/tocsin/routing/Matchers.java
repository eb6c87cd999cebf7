package io.tocsin.routing;

import io.tocsin.model.Alert;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Alert matchers shared by routes, silences and maintenance windows: each named field must equal one of the listed
 * values; fields not named match anything. Fields: {@code service}, {@code environment}, {@code instance},
 * {@code kind}, {@code severity}, and {@code key} (the alert key: an error group's fingerprint, or service/instance),
 * so that one error group can be silenced without the rest of its service.
 */
public record Matchers(Map<String, Set<String>> fields) {

    public static final Set<String> FIELDS = Set.of("service", "environment", "instance", "kind", "severity", "key");
    public static final Matchers ANY = new Matchers(Map.of());

    public Matchers {
        for (String f : fields.keySet()) {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown matcher '" + f + "' (known: " + String.join(", ", FIELDS) + ")");
            }
        }
        Map<String, Set<String>> normalised = new java.util.HashMap<>();
        fields.forEach((f, values) -> normalised.put(f, f.equals("kind") || f.equals("severity")
                ? values.stream().map(v -> v.toUpperCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet())
                : Set.copyOf(values)));
        fields = Map.copyOf(normalised);
    }

    public boolean matches(Alert alert) {
        return matches(field -> switch (field) {
            case "service" -> alert.service();
            case "environment" -> alert.environment();
            case "instance" -> alert.instance();
            case "key" -> alert.key();
            case "kind" -> alert.kind().name();
            default -> Severity.of(alert.kind()).name();
        });
    }

    /** Matches what an alert would carry, given by field name (null for a field it would not have). */
    public boolean matches(java.util.function.Function<String, String> valueOf) {
        for (Map.Entry<String, Set<String>> f : fields.entrySet()) {
            String value = valueOf.apply(f.getKey());
            if (value == null || !f.getValue().contains(value)) {
                return false;
            }
        }
        return true;
    }
}
