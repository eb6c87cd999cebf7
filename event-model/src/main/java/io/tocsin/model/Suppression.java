package io.tocsin.model;

import java.util.Optional;

/**
 * Why an alert was kept out of Slack (it stays on the alerts topic, marked). On the wire it is the alert's
 * {@code silencedBy} field, {@code kind:id}: {@code silence:<silence id>}, {@code maintenance:<window name>} or
 * {@code inhibited:<id of the root outage alert>}.
 */
public sealed interface Suppression {

    /** The wire form, {@code kind:id}. */
    String encoded();

    /** A silence created through the API. */
    record BySilence(String silenceId) implements Suppression {
        @Override
        public String encoded() {
            return "silence:" + silenceId;
        }
    }

    /** A configured, recurring maintenance window. */
    record ByMaintenance(String window) implements Suppression {
        @Override
        public String encoded() {
            return "maintenance:" + window;
        }
    }

    /** An outage of a service this one depends on (an inhibition rule); its recovery lists what it held back. */
    record ByInhibition(String rootAlertId) implements Suppression {
        @Override
        public String encoded() {
            return "inhibited:" + rootAlertId;
        }
    }

    /** The suppression a wire form stands for; empty for null or a form this version does not know. */
    static Optional<Suppression> parse(String encoded) {
        if (encoded == null) {
            return Optional.empty();
        }
        int colon = encoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String id = encoded.substring(colon + 1);
        return switch (encoded.substring(0, colon)) {
            case "silence" -> Optional.of(new BySilence(id));
            case "maintenance" -> Optional.of(new ByMaintenance(id));
            case "inhibited" -> Optional.of(new ByInhibition(id));
            default -> Optional.empty();
        };
    }
}
