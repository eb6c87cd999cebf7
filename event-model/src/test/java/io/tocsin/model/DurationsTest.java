package io.tocsin.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void shouldReadTheContractsDurationForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> Durations.parse("ten seconds")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldMapEnvironmentVariablesToKeysAndReportUnknownOnes() {
        Settings.Overrides o = Settings.fromEnvironment(Map.of(
                "TOCSIN_SLACK_WEBHOOK_URL", "http://x", "TOCSIN_EVENT_MAX_FUTURE", "1m",
                "TOCSIN_KAFKA_SECURITY_PROTOCOL", "SSL", "TOCSIN_NOPE", "1", "PATH", "/bin"),
                List.of("slack.webhook.url", "event.max-future"));

        assertThat(o.values()).containsOnly(Map.entry("slack.webhook.url", "http://x"), Map.entry("event.max-future", "1m"),
                Map.entry("kafka.security.protocol", "SSL"));
        assertThat(o.unknown()).containsExactly("TOCSIN_NOPE");
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        Settings s = new Settings(Map.of("error.alert.limit", "five", "heartbeat.timeout", "soon"));

        assertThatThrownBy(() -> s.intValue("error.alert.limit", 5, 1, 100)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("error.alert.limit").hasMessageContaining("five");
        assertThatThrownBy(() -> s.duration("heartbeat.timeout", Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("heartbeat.timeout");
    }
}
