package io.tocsin.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The published schema (docs/event-schema.json) and the codec agree on what a valid event is. */
class EventSchemaTest {

    private static final Path SCHEMA = Path.of("..", "docs", "event-schema.json");
    private final EventCodec codec = new EventCodec();
    private final JsonSchema schema;

    EventSchemaTest() throws Exception {
        try (InputStream in = Files.newInputStream(SCHEMA)) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    private Set<ValidationMessage> validate(Object event) throws Exception {
        return schema.validate(codec.mapper().readTree(codec.write(event)));
    }

    private Set<ValidationMessage> validate(String json) throws Exception {
        JsonNode node = codec.mapper().readTree(json);
        return schema.validate(node);
    }

    @Test
    void shouldAcceptWhatTheCodecWrites() throws Exception {
        ExceptionEvent e = new ExceptionEvent("exception", 1, "id-1", Instant.parse("2026-11-24T08:00:00.123Z"), "orders",
                "orders-1", "prod", "RUNTIME", new ExceptionInfo("java.lang.IllegalStateException", "boom",
                List.of(new Frame("com.acme.A", "run", null, -1, true)), new ExceptionInfo("java.io.IOException", null, List.of(), null)),
                new RequestInfo("GET", "/orders/1"), Map.of("region", "eu"), List.of("custom"), 3);
        HeartbeatEvent h = new HeartbeatEvent("heartbeat", 1, Instant.parse("2026-11-24T08:00:03Z"), "chat", "chat-1", "prod",
                "10.0.0.5:8080", 3000, HeartbeatEvent.Status.STOPPING, Map.of("connections", 123.0));

        assertThat(validate(e)).isEmpty();
        assertThat(validate(h)).isEmpty();
    }

    @Test
    void shouldRefuseWhatTheCodecRefuses() throws Exception {
        String noType = "{\"type\":\"exception\",\"version\":1,\"id\":\"x\",\"timestamp\":\"2026-11-24T08:00:00Z\","
                + "\"service\":\"orders\",\"instance\":\"i\",\"environment\":\"prod\",\"exception\":{\"message\":\"m\"}}";
        String slashInService = "{\"type\":\"heartbeat\",\"version\":1,\"timestamp\":\"2026-11-24T08:00:00Z\",\"service\":\"a/b\","
                + "\"instance\":\"i\",\"environment\":\"prod\",\"intervalMs\":1000,\"status\":\"UP\"}";
        String version2 = slashInService.replace("a/b", "ab").replace("\"version\":1", "\"version\":2");

        for (String bad : List.of(noType, slashInService, version2)) {
            assertThat(validate(bad)).as(bad).isNotEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.parseEvent(bad.getBytes()))
                    .isInstanceOf(InvalidEventException.class);
        }
    }
}
