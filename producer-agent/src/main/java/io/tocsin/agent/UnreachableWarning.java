package io.tocsin.agent;

import io.tocsin.model.EventCodec;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * Tells someone when Tocsin's Kafka has been unreachable for {@code unreachable.warn-after}: one warning through
 * java.util.logging (no logging binding is forced on the host), and, when configured, one post to a fallback Slack
 * webhook, at most once an hour. Runs on the agent thread, with short timeouts.
 */
final class UnreachableWarning {

    private static final long POST_AT_MOST_EVERY_MS = 3_600_000;
    private static final int TIMEOUT_MS = 2000;

    private final AgentConfig config;
    private final Logger log;
    private boolean warned;
    private long lastPost = Long.MIN_VALUE / 2;

    UnreachableWarning(AgentConfig config, Logger log) {
        this.config = config;
        this.log = log;
    }

    void check(long unreachableSince, long now) {
        if (unreachableSince == 0 || warned || now - unreachableSince < config.unreachableWarnAfter().toMillis()) {
            return;
        }
        warned = true;
        String message = "service " + config.service() + " (" + config.instance() + ") cannot reach Tocsin's Kafka at "
                + config.bootstrapServers() + " for " + (now - unreachableSince) / 1000 + " s; events are spooled locally";
        log.warning("tocsin agent: " + message);
        if (config.fallbackWebhookUrl() != null && now - lastPost >= POST_AT_MOST_EVERY_MS) {
            lastPost = now;
            post(":warning: " + message);
        }
    }

    void recovered(long unreachableSince, long now) {
        if (warned) {
            log.info("tocsin agent: Kafka reachable again after " + (now - unreachableSince) / 1000 + " s; sending the spool");
        }
        warned = false;
    }

    private void post(String text) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(config.fallbackWebhookUrl()).toURL().openConnection();
            c.setConnectTimeout(TIMEOUT_MS);
            c.setReadTimeout(TIMEOUT_MS);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            String escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
            try (OutputStream out = c.getOutputStream()) {
                out.write(new EventCodec().mapper().createObjectNode().put("text", escaped).toString().getBytes(StandardCharsets.UTF_8));
            }
            c.getResponseCode();
            c.disconnect();
        } catch (Exception | LinkageError e) {
            log.fine("tocsin agent: fallback webhook failed: " + e);
        }
    }
}
