package io.tocsin.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    private static final String EXCEPTION = """
            {"type":"exception","version":1,"id":"9b1f","timestamp":"2026-11-24T08:00:00.123Z",
             "service":"orders","instance":"orders-7f9c","environment":"prod","category":"RUNTIME",
             "exception":{"type":"java.lang.IllegalStateException","message":"order 123 not found",
               "frames":[{"className":"com.acme.OrderService","method":"find","file":"OrderService.java","line":42,"inApp":true},
                         {"className":"com.acme.Gen","method":"x","file":null,"inApp":false}],
               "cause":{"type":"java.io.IOException","message":null,"frames":[]}},
             "request":{"method":"GET","url":"/orders/123"},
             "tags":{"region":"eu"},"fingerprint":null,"count":1,"someFutureField":{"a":1}}
            """;

    private static final String HEARTBEAT = """
            {"type":"heartbeat","version":1,"timestamp":"2026-11-24T08:00:03.000+01:00","service":"chat","instance":"chat-1",
             "environment":"prod","address":"10.0.0.5:8080","intervalMs":3000,"status":"UP","load":{"connections":123,"cpu":0.5}}
            """;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadTheContractsExceptionEventAndIgnoreUnknownFields() throws Exception {
        ExceptionEvent e = codec.parseException(bytes(EXCEPTION));

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-24T08:00:00.123Z"));
        assertThat(e.key()).isEqualTo("orders/orders-7f9c");
        assertThat(e.exception().frames()).hasSize(2);
        assertThat(e.exception().frames().get(1).line()).isNull();
        assertThat(e.exception().cause().type()).isEqualTo("java.io.IOException");
        assertThat(e.request().url()).isEqualTo("/orders/123");
        assertThat(e.count()).isEqualTo(1);
    }

    @Test
    void shouldRoundTripAnExceptionEvent() throws Exception {
        ExceptionEvent e = codec.parseException(bytes(EXCEPTION));

        assertThat(codec.parseException(codec.write(e))).isEqualTo(e);
    }

    @Test
    void shouldReadAHeartbeatWithAnOffsetTimestampKeepingLoadOrder() throws Exception {
        HeartbeatEvent h = codec.parseHeartbeat(bytes(HEARTBEAT));

        assertThat(h.timestamp()).isEqualTo(Instant.parse("2026-11-24T07:00:03Z"));
        assertThat(h.load().keySet()).containsExactly("connections", "cpu");
        assertThat(h.status()).isEqualTo(HeartbeatEvent.Status.UP);
    }

    @Test
    void shouldRefuseNamesTooLongToBeKeysAndHeartbeatsWithTooManyFigures() {
        String longName = "s".repeat(Limits.MAX_NAME_CHARS + 1);
        assertThatThrownBy(() -> codec.parseException(bytes(EXCEPTION.replace("\"id\":\"9b1f\"", "\"id\":\"" + longName + "\""))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'id' is longer than");
        assertThatThrownBy(() -> codec.parseHeartbeat(bytes(HEARTBEAT.replace("10.0.0.5:8080", longName))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'address' is longer than");
        StringBuilder load = new StringBuilder("{");
        for (int i = 0; i <= Limits.MAX_LOAD_FIGURES; i++) {
            load.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":1");
        }
        assertThatThrownBy(() -> codec.parseHeartbeat(bytes(HEARTBEAT.replace("{\"connections\":123,\"cpu\":0.5}", load + "}"))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'load' has 33 entries");
    }

    @Test
    void shouldNameTheMissingOrBadField() {
        assertThatThrownBy(() -> codec.parseException(bytes(EXCEPTION.replace("\"id\":\"9b1f\",", ""))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'id'");
        assertThatThrownBy(() -> codec.parseException(bytes(EXCEPTION.replace("\"className\":\"com.acme.Gen\",", ""))))
                .hasMessageContaining("exception.frames[1].className");
        assertThatThrownBy(() -> codec.parseException(bytes(EXCEPTION.replace("\"version\":1", "\"version\":2"))))
                .hasMessageContaining("unsupported major version 2");
        assertThatThrownBy(() -> codec.parseException(bytes(EXCEPTION.replace("2026-11-24T08:00:00.123Z", "24/11/2026"))))
                .hasMessageContaining("'timestamp'");
        assertThatThrownBy(() -> codec.parseException(bytes(EXCEPTION.replace("\"count\":1", "\"count\":0"))))
                .hasMessageContaining("'count'");
        assertThatThrownBy(() -> codec.parseHeartbeat(bytes(HEARTBEAT.replace("\"UP\"", "\"SLEEPY\""))))
                .hasMessageContaining("'status'");
        assertThatThrownBy(() -> codec.parseHeartbeat(bytes(HEARTBEAT.replace("\"intervalMs\":3000", "\"intervalMs\":\"3s\""))))
                .hasMessageContaining("'intervalMs'");
        assertThatThrownBy(() -> codec.parseHeartbeat(bytes(HEARTBEAT.replace("\"service\":\"chat\"", "\"service\":\"a/b\""))))
                .hasMessageContaining("'/'");
        assertThatThrownBy(() -> codec.parseEvent(bytes("[1,2]"))).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> codec.parseEvent(bytes("{\"type\":\"metric\"}"))).hasMessageContaining("'type'");
    }

    @Test
    void shouldRefuseInvalidUtf8EvenWhereJacksonWouldReadIt() throws Exception {
        byte[][] invalid = {
                {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
                {(byte) 0xFF},
        };
        for (byte[] bad : invalid) {
            assertThatThrownBy(() -> codec.parseHeartbeat(withBytesFor(HEARTBEAT, "chat-1", bad)))
                    .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("not valid UTF-8 at byte");
        }
        String emoji = "chat-\uD83D\uDE80"; // four bytes, valid
        assertThat(codec.parseHeartbeat(bytes(HEARTBEAT.replace("chat-1", emoji))).instance()).isEqualTo(emoji);
    }

    private static byte[] withBytesFor(String json, String text, byte[] replacement) {
        String[] around = json.split(text, 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(around[0]));
        out.writeBytes(replacement);
        out.writeBytes(bytes(around[1]));
        return out.toByteArray();
    }

    @Test
    void shouldGiveDeterministicAlertIdsThatDependOnEveryPart() {
        assertThat(Alert.idOf("ERROR", "fp", 1L, 2)).isEqualTo(Alert.idOf("ERROR", "fp", 1L, 2)).hasSize(32)
                .isNotEqualTo(Alert.idOf("ERROR", "fp", 1L, 3));
        assertThat(Alert.idOf("ab", "c")).isNotEqualTo(Alert.idOf("a", "bc"));
    }
}
