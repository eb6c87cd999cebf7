package io.tocsin.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How each sink classifies Slack's answers, through the real SDK against a real local HTTP server. */
class SlackSinksTest {

    private final HttpServer server;
    private volatile int status = 200;
    private volatile String body = "{\"ok\":true}";
    private volatile String retryAfter;
    private final SlackMessage message = new SlackMessage(new EventCodec().mapper(), Optional.empty(), Optional.empty());
    private final Slack slack;
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<Alert> alert = List.of(Alert.error("0123456789abcdef0123456789abcdef",
            new Alert.Subject("v1-x", "orders", "prod", null), Instant.EPOCH, "t", "x", 1, 5, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600)));

    SlackSinksTest() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] reply = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            if (retryAfter != null) {
                ex.getResponseHeaders().set("Retry-After", retryAfter);
            }
            ex.sendResponseHeaders(status, reply.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply);
            }
        });
        server.start();
        SlackConfig config = new SlackConfig();
        config.setStatsEnabled(false);
        config.setMethodsEndpointUrlPrefix(url("/api/"));
        slack = Slack.getInstance(config);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private SlackBotSink bot() {
        return new SlackBotSink(slack, "xoxb-test", "#alerts", message, timer());
    }

    @Test
    void botModeTreatsAChannelThatDoesNotExistAsPermanent() {
        body = "{\"ok\":false,\"error\":\"channel_not_found\"}";

        assertThat(bot().deliver(alert)).satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(DeliveryResult.Outcome.PERMANENT_FAILURE);
            assertThat(r.reason()).isEqualTo("channel_not_found");
        });
    }

    @Test
    void botModeHonoursRetryAfterOnRateLimits() {
        status = 429;
        retryAfter = "7";
        body = "{\"ok\":false,\"error\":\"ratelimited\"}";

        DeliveryResult r = bot().deliver(alert);

        assertThat(r.outcome()).isEqualTo(DeliveryResult.Outcome.RETRY);
        assertThat(r.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void webhookModeRetriesServerErrorsAndGivesUpOnARemovedHook() {
        SlackWebhookSink webhook = new SlackWebhookSink(slack, url("/hook"), message, timer());
        status = 503;
        body = "busy";
        assertThat(webhook.deliver(alert).outcome()).isEqualTo(DeliveryResult.Outcome.RETRY);

        status = 404;
        body = "no_service";
        assertThat(webhook.deliver(alert).outcome()).isEqualTo(DeliveryResult.Outcome.PERMANENT_FAILURE);
        assertThat(webhook.describe()).doesNotContain("/hook");
    }

    private Timer timer() {
        return DeliveryMetrics.slackRequestTimer(metrics, "ops");
    }

    @Test
    void eachRequestIsTimedForItsRouteAnsweredOrRefusedOrUnreachable() {
        SlackWebhookSink webhook = new SlackWebhookSink(slack, url("/hook"), message, timer());
        webhook.deliver(alert);
        status = 503;
        bot().deliver(alert);
        server.stop(0);
        webhook.deliver(alert);

        Timer timed = metrics.get(DeliveryMetrics.SLACK_REQUEST).tag("route", "ops").timer();
        assertThat(timed.count()).isEqualTo(3);
        assertThat(timed.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void anUnreachableSlackIsRetried() {
        server.stop(0);

        assertThat(bot().deliver(alert).outcome()).isEqualTo(DeliveryResult.Outcome.RETRY);
    }
}
