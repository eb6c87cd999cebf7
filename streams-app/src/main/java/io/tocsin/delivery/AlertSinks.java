package io.tocsin.delivery;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.tocsin.config.AppConfig;
import io.tocsin.model.ConfigException;
import io.tocsin.model.EventCodec;
import io.tocsin.routing.Route;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds each route's sink: a webhook, a channel with the bot token, or (the default route without Slack) the console. */
public final class AlertSinks {

    private static final int HTTP_TIMEOUT_MS = 10_000;

    private AlertSinks() {
    }

    /** Sinks whose Slack requests are timed nowhere (a one-off message: {@code test-alert}). */
    public static Map<String, AlertSink> forRoutes(AppConfig config, PrintStream console) {
        return forRoutes(config, console, new CompositeMeterRegistry());
    }

    /** Sinks whose Slack requests are timed in {@code metrics}, per route. */
    public static Map<String, AlertSink> forRoutes(AppConfig config, PrintStream console, MeterRegistry metrics) {
        Map<String, AlertSink> sinks = new LinkedHashMap<>();
        Slack slack = slack(config);
        for (Route route : config.routing().routes()) {
            sinks.put(route.name(), forRoute(route, config, slack, console, metrics));
        }
        return sinks;
    }

    private static AlertSink forRoute(Route route, AppConfig config, Slack slack, PrintStream console, MeterRegistry metrics) {
        SlackMessage message = new SlackMessage(new EventCodec().mapper(), route.mention(),
                config.publicUrl());
        if (route.channel().isPresent()) {
            String token = config.slackToken().orElseThrow(() -> new ConfigException("route." + route.name() + ".channel",
                    "a channel route needs slack.token (bot token mode)"));
            return new SlackBotSink(slack, token, route.channel().get(), message,
                    DeliveryMetrics.slackRequestTimer(metrics, route.name()));
        }
        if (route.webhookUrl().isPresent()) {
            return new SlackWebhookSink(slack, route.webhookUrl().get(), message,
                    DeliveryMetrics.slackRequestTimer(metrics, route.name()));
        }
        return new ConsoleSink(console);
    }

    private static Slack slack(AppConfig config) {
        SlackConfig sc = new SlackConfig();
        sc.setStatsEnabled(false);
        sc.setPrettyResponseLoggingEnabled(false);
        sc.setMethodsEndpointUrlPrefix(config.slackApiUrl().endsWith("/") ? config.slackApiUrl() : config.slackApiUrl() + "/");
        sc.setHttpClientCallTimeoutMillis(HTTP_TIMEOUT_MS);
        sc.setHttpClientReadTimeoutMillis(HTTP_TIMEOUT_MS);
        sc.setHttpClientWriteTimeoutMillis(HTTP_TIMEOUT_MS);
        return Slack.getInstance(sc);
    }
}
