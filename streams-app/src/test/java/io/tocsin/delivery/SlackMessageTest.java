package io.tocsin.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlackMessageTest {

    private final SlackMessage message = new SlackMessage(new EventCodec().mapper(),
            Optional.of("<!subteam^S0123>"), Optional.of("https://tocsin.example/"));

    private static Alert alert(String title, String text) {
        return Alert.error("0123456789abcdef0123456789abcdef", new Alert.Subject("v1-x", "orders", "prod", "orders-1"),
                Instant.EPOCH, title, text, 3, 5, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600));
    }

    @Test
    void shouldShowUserTextLiterallySoItPingsNoOne() {
        String evil = "<!channel> look <@U024BE7LH> <http://evil.example|click> & more";

        String payload = message.webhookPayload(List.of(alert("IllegalStateException: " + evil, evil)));

        assertThat(payload).doesNotContain("<!channel>").doesNotContain("<@U024BE7LH>").doesNotContain("<http://evil.example")
                .contains("&lt;!channel&gt;").contains("&lt;@U024BE7LH&gt;").contains("&amp; more");
    }

    @Test
    void shouldCarryTheAlertIdAndOccurrence() {
        String payload = message.webhookPayload(List.of(alert("t", "x")));

        assertThat(payload).contains("tocsin:0123456789abcdef0123456789abcdef").contains("occurrence 3/5");
    }

    @Test
    void shouldPutTheRoutesMentionAndALinkToTheGroupsConsolePage() {
        String payload = message.webhookPayload(List.of(alert("t", "x")));

        assertThat(payload).contains("<!subteam^S0123>").contains("<https://tocsin.example/group.html?fingerprint=v1-x|error group>");
    }

    @Test
    void anAvailabilityAlertLinksToItsServicesInstancesWithTheNameEncoded() {
        Alert down = Alert.availability("0123456789abcdef0123456789abcdef", AlertKind.INSTANCE_DOWN,
                new Alert.Subject("pay|ments>x/p-1", "pay|ments>x", "prod", "p-1"), Instant.EPOCH, "down", "silent");

        String payload = message.webhookPayload(List.of(down));

        assertThat(payload).contains("<https://tocsin.example/instances.html?service=pay%7Cments%3Ex|instances>");
    }

    @Test
    void shouldListABatchCompactlyWithEveryAlertId() {
        List<Alert> batch = java.util.stream.IntStream.range(0, 12)
                .mapToObj(i -> Alert.error(String.format("%032d", i), new Alert.Subject("v1-" + i, "orders", "prod", null),
                        Instant.EPOCH, "title " + i, "x", 1, 5, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600)))
                .toList();

        String payload = message.webhookPayload(batch);

        assertThat(payload).contains("12 alerts");
        for (Alert a : batch) {
            assertThat(payload).contains("tocsin:" + a.id());
        }
    }

    @Test
    void shouldTruncateLongTextWithinSlackBlockLimitsWithAMarker() {
        String payload = message.webhookPayload(List.of(alert("t", "<".repeat(10_000))));

        assertThat(payload).contains("(truncated)");
        assertThat(message.blocks(List.of(alert("t", "<".repeat(10_000)))).get(2).path("text").path("text").asText().length())
                .isLessThanOrEqualTo(SlackMessage.SECTION_MAX);
    }
}
