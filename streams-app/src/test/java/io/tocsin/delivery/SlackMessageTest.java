package io.tocsin.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlackMessageTest {

    private final SlackMessage message = new SlackMessage(new EventCodec().mapper());

    private static Alert alert(String title, String text) {
        return new Alert("alert", 1, "0123456789abcdef0123456789abcdef", AlertKind.ERROR, "v1-x", "orders", "prod", "orders-1",
                Instant.EPOCH, title, text, 3, 5, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), 0, "default");
    }

    @Test
    void shouldShowUserTextLiterallySoItPingsNoOne() {
        String evil = "<!channel> look <@U024BE7LH> <http://evil.example|click> & more";

        String payload = message.webhookPayload(alert("IllegalStateException: " + evil, evil));

        assertThat(payload).doesNotContain("<!channel>").doesNotContain("<@U024BE7LH>").doesNotContain("<http://evil.example")
                .contains("&lt;!channel&gt;").contains("&lt;@U024BE7LH&gt;").contains("&amp; more");
    }

    @Test
    void shouldCarryTheAlertIdAndOccurrence() {
        String payload = message.webhookPayload(alert("t", "x"));

        assertThat(payload).contains("tocsin:0123456789abcdef0123456789abcdef").contains("occurrence 3/5");
    }

    @Test
    void shouldTruncateLongTextWithinSlackBlockLimitsWithAMarker() {
        String payload = message.webhookPayload(alert("t", "<".repeat(10_000)));

        assertThat(payload).contains("(truncated)");
        assertThat(message.blocks(alert("t", "<".repeat(10_000))).get(2).path("text").path("text").asText().length())
                .isLessThanOrEqualTo(SlackMessage.SECTION_MAX);
    }
}
