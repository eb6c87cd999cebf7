package io.tocsin.delivery;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import io.tocsin.config.AppConfig;
import io.tocsin.model.EventCodec;
import java.io.PrintStream;

/** Chooses the sink the configuration asks for: bot token, else webhook, else the console. */
public final class AlertSinks {

    private static final int HTTP_TIMEOUT_MS = 10_000;

    private AlertSinks() {
    }

    public static AlertSink fromConfig(AppConfig config, PrintStream console) {
        SlackMessage message = new SlackMessage(new EventCodec().mapper());
        if (config.slackToken().isPresent()) {
            return new SlackBotSink(slack(config), config.slackToken().get(), config.slackChannel().orElseThrow(), message);
        }
        if (config.slackWebhookUrl().isPresent()) {
            return new SlackWebhookSink(slack(config), config.slackWebhookUrl().get(), message);
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
