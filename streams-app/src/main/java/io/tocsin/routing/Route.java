package io.tocsin.routing;

import io.tocsin.model.Alert;
import java.util.Optional;

/**
 * Where matching alerts go: an incoming webhook, or a channel through the bot token; {@code mention} (e.g.
 * {@code <!subteam^S0123>}) is put in front of each message, as configured, unescaped.
 */
public record Route(String name, Matchers matchers, Optional<String> webhookUrl, Optional<String> channel, Optional<String> mention) {

    public boolean matches(Alert alert) {
        return matchers.matches(alert);
    }
}
