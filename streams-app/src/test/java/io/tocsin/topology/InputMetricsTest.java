package io.tocsin.topology;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The parse step counts what each input brought and what it refused, by a fixed reason category. */
class InputMetricsTest {

    private final TopologyFixture topology = new TopologyFixture(Map.of());

    @AfterEach
    void close() {
        topology.close();
    }

    @Test
    void shouldCountEventsInByInputAndDeadLettersByReasonCategory() {
        String valid = Events.exception("orders", "java.lang.IllegalStateException", "boom", T0, "e1");
        topology.error(valid, T0);
        topology.error("{not json", T0);
        topology.error(new byte[] {(byte) 0xC0, (byte) 0xAF}, T0);
        topology.error(valid.replace("\"service\":\"orders\",", ""), T0);
        topology.error(valid.replace("\"version\":1", "\"version\":2"), T0);
        topology.error(valid.replace(T0.toString(), "yesterday at noon"), T0);
        topology.heartbeat(Events.heartbeat("chat", "chat-1", T0, 3000, "UP"), T0);
        topology.heartbeat("[]".getBytes(StandardCharsets.UTF_8), T0);

        assertThat(topology.metric("events-in-total", "input", "errors")).isEqualTo(6);
        assertThat(topology.metric("events-in-total", "input", "heartbeats")).isEqualTo(2);
        assertThat(topology.metric("dead-letters-total", "input", "errors", "reason", "malformed")).isEqualTo(2);
        assertThat(topology.metric("dead-letters-total", "input", "errors", "reason", "invalid")).isEqualTo(1);
        assertThat(topology.metric("dead-letters-total", "input", "errors", "reason", "unsupported_version")).isEqualTo(1);
        assertThat(topology.metric("dead-letters-total", "input", "errors", "reason", "bad_timestamp")).isEqualTo(1);
        assertThat(topology.metric("dead-letters-total", "input", "heartbeats", "reason", "malformed")).isEqualTo(1);
        assertThat(topology.metric("dead-letters-total")).as("every dead letter counted once").isEqualTo(6);
        assertThat(topology.deadLetters()).hasSize(6);
    }

    @Test
    void shouldLabelDeadLettersWithCategoriesOnlyNeverWithTextFromTheEvent() {
        topology.error("{\"type\":\"exception\",\"version\":1,\"hostile\":\"label-me\"", T0);
        topology.error(Events.exception("a/b", "E", "m", T0, "e1"), T0);

        assertThat(topology.metric("dead-letters-total")).isEqualTo(2);
        assertThat(topology.metricTagValues("reason")).allSatisfy(v -> assertThat(DeadLetterReason.valueOf(v.toUpperCase())).isNotNull());
    }
}
