package io.tocsin.delivery;

import com.slack.api.Slack;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import io.tocsin.model.Alert;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/** Posts alerts with a bot token to one channel ({@code chat.postMessage}) through slack-api-client. */
public final class SlackBotSink implements AlertSink {

    /** Errors that no retry can fix: the alert goes to the undelivered topic. */
    private static final Set<String> PERMANENT = Set.of("channel_not_found", "invalid_auth", "not_authed",
            "account_inactive", "token_revoked", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long",
            "no_permission", "missing_scope");

    private final Slack slack;
    private final String token;
    private final String channel;
    private final SlackMessage message;

    public SlackBotSink(Slack slack, String token, String channel, SlackMessage message) {
        this.slack = slack;
        this.token = token;
        this.channel = channel;
        this.message = message;
    }

    @Override
    public DeliveryResult deliver(List<Alert> alerts) {
        try {
            ChatPostMessageResponse response = slack.methods(token).chatPostMessage(r -> r
                    .channel(channel)
                    .text(message.fallbackText(alerts))
                    .blocksAsString(message.blocks(alerts).toString()));
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

    @Override
    public String describe() {
        return "Slack channel " + channel + " (bot token)";
    }
}
