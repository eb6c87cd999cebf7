package io.tocsin.delivery;

import com.slack.api.Slack;
import com.slack.api.webhook.WebhookResponse;
import io.micrometer.core.instrument.Timer;
import io.tocsin.model.Alert;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Posts alerts to a Slack incoming webhook through slack-api-client, timing each request. */
public final class SlackWebhookSink implements AlertSink {

    private final Slack slack;
    private final String url;
    private final SlackMessage message;
    private final Timer requests;

    public SlackWebhookSink(Slack slack, String url, SlackMessage message, Timer requests) {
        this.slack = slack;
        this.url = url;
        this.message = message;
        this.requests = requests;
    }

    @Override
    public DeliveryResult deliver(List<Alert> alerts) {
        try {
            WebhookResponse response = send(message.webhookPayload(alerts));
            return DeliveryResult.ofHttpStatus(response.getCode(), response.getBody(),
                    DeliveryResult.parseRetryAfter(header(response.getHeaders(), "retry-after")));
        } catch (IOException | RuntimeException e) {
            return DeliveryResult.retry("webhook unreachable: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private WebhookResponse send(String payload) throws IOException {
        long start = System.nanoTime();
        try {
            return slack.send(url, payload);
        } finally {
            requests.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public String describe() {
        URI u = URI.create(url);
        return "Slack webhook at " + u.getScheme() + "://" + u.getAuthority() + "/…";
    }

    static String header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                return h.getValue().get(0);
            }
        }
        return null;
    }
}
