package io.tocsin.delivery;

import com.slack.api.Slack;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import io.micrometer.core.instrument.Timer;
import io.tocsin.model.Alert;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Posts alerts with a bot token to one channel ({@code chat.postMessage}) through slack-api-client, timing each request. */
public final class SlackBotSink implements AlertSink {

    /** Errors that no retry can fix: the alert goes to the undelivered topic. */
    private static final Set<String> PERMANENT = Set.of("channel_not_found", "invalid_auth", "not_authed",
            "account_inactive", "token_revoked", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long",
            "no_permission", "missing_scope");

    private final Slack slack;
    private final String token;
    private final String channel;
    private final SlackMessage message;
    private final Timer requests;

    public SlackBotSink(Slack slack, String token, String channel, SlackMessage message, Timer requests) {
        this.slack = slack;
        this.token = token;
        this.channel = channel;
        this.message = message;
        this.requests = requests;
    }

    @Override
    public DeliveryResult deliver(List<Alert> alerts) {
        try {
            String text = message.fallbackText(alerts);
            String blocks = message.blocks(alerts).toString();
            ChatPostMessageResponse response = post(text, blocks);
            if (response.isOk()) {
                return DeliveryResult.delivered();
            }
            String error = response.getError();
            return PERMANENT.contains(error) ? DeliveryResult.permanent(error) : DeliveryResult.retry(error);
        } catch (SlackApiException e) {
            return DeliveryResult.ofHttpStatus(e.getResponse().code(), e.getResponseBody(),
                    DeliveryResult.parseRetryAfter(e.getResponse().header("Retry-After")));
        } catch (IOException | RuntimeException e) {
            return DeliveryResult.retry("Slack API unreachable: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private ChatPostMessageResponse post(String text, String blocks) throws IOException, SlackApiException {
        long start = System.nanoTime();
        try {
            return slack.methods(token).chatPostMessage(r -> r.channel(channel).text(text).blocksAsString(blocks));
        } finally {
            requests.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public String describe() {
        return "Slack channel " + channel + " (bot token)";
    }
}
