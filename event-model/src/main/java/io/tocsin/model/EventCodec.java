package io.tocsin.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The one JSON codec of Tocsin's wire format. Parsing is strict about what the contract requires (and names the
 * offending field in the exception) and lenient about unknown fields, so producers can add fields freely.
 */
public final class EventCodec {

    /** The major wire-format version this code reads and writes. */
    public static final int VERSION = 1;
    private static final int MAX_NESTING = 10_000;

    private final ObjectMapper mapper;

    public EventCodec() {
        // deep cause chains are legal input (they are cut downstream), so allow more nesting than Jackson's default
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                .build();
        mapper = new ObjectMapper(factory)
                .registerModule(new JavaTimeModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE, false)
                .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public ExceptionEvent parseException(byte[] json) throws InvalidEventException {
        JsonNode root = readObject(json);
        requireHeader(root, ExceptionEvent.TYPE);
        requireName(root, "id");
        requireName(root, "service");
        requireName(root, "instance");
        requireName(root, "environment");
        requireServiceName(root);
        JsonNode exception = root.get("exception");
        if (exception == null || !exception.isObject()) {
            throw new InvalidEventException("missing required object 'exception'");
        }
        cutCauseChain((ObjectNode) exception);
        requireExceptionInfo(exception, "exception");
        JsonNode count = root.get("count");
        if (count != null && !count.isNull() && !(count.canConvertToLong() && count.isIntegralNumber() && count.asLong() > 0)) {
            throw new InvalidEventException("'count' must be a positive integer");
        }
        JsonNode fingerprint = root.get("fingerprint");
        if (fingerprint != null && !fingerprint.isNull()) {
            if (!fingerprint.isArray() || fingerprint.isEmpty()) {
                throw new InvalidEventException("'fingerprint' must be a non-empty array of strings or null");
            }
            for (JsonNode part : fingerprint) {
                if (!part.isTextual()) {
                    throw new InvalidEventException("'fingerprint' must hold strings only");
                }
            }
        }
        return bind(root, ExceptionEvent.class);
    }

    public HeartbeatEvent parseHeartbeat(byte[] json) throws InvalidEventException {
        JsonNode root = readObject(json);
        requireHeader(root, HeartbeatEvent.TYPE);
        requireName(root, "service");
        requireName(root, "instance");
        requireName(root, "environment");
        requireServiceName(root);
        JsonNode interval = root.get("intervalMs");
        if (interval == null || !interval.isIntegralNumber() || interval.asLong() <= 0) {
            throw new InvalidEventException("'intervalMs' must be a positive integer");
        }
        String status = requireText(root, "status");
        try {
            HeartbeatEvent.Status.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("'status' must be UP or STOPPING, was '" + status + "'");
        }
        JsonNode address = root.get("address");
        if (address != null && address.isTextual() && address.asText().length() > Limits.MAX_NAME_CHARS) {
            throw new InvalidEventException("'address' is longer than " + Limits.MAX_NAME_CHARS + " characters");
        }
        requireAtMost(root, "agent", Limits.MAX_AGENT_COUNTERS);
        JsonNode load = root.get("load");
        if (load != null && !load.isNull()) {
            if (!load.isObject()) {
                throw new InvalidEventException("'load' must be an object of numbers");
            }
            requireAtMost(root, "load", Limits.MAX_LOAD_FIGURES);
            for (Map.Entry<String, JsonNode> figure : load.properties()) {
                if (!figure.getValue().isNumber()) {
                    throw new InvalidEventException("'load." + figure.getKey() + "' must be a number");
                }
            }
        }
        return bind(root, HeartbeatEvent.class);
    }

    public Alert parseAlert(byte[] json) throws InvalidEventException {
        JsonNode root = readObject(json);
        requireName(root, "id");
        requireText(root, "kind");
        return bind(root, Alert.class);
    }

    /** Parses either kind of input event, by its {@code type}. */
    public Object parseEvent(byte[] json) throws InvalidEventException {
        JsonNode root = readObject(json);
        JsonNode type = root.get("type");
        String t = type == null ? null : type.asText();
        if (ExceptionEvent.TYPE.equals(t)) {
            return parseException(json);
        }
        if (HeartbeatEvent.TYPE.equals(t)) {
            return parseHeartbeat(json);
        }
        throw new InvalidEventException("'type' must be 'exception' or 'heartbeat', was " + (t == null ? "missing" : "'" + t + "'"));
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public String writeString(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** ISO-8601 with an offset or 'Z'; anything else is refused. */
    public static Instant parseTimestamp(String text) throws InvalidEventException {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(InvalidEventException.Kind.BAD_TIMESTAMP, "'timestamp' is not an ISO-8601 instant: '" + abbreviate(text) + "'");
        }
    }

    private JsonNode readObject(byte[] json) throws InvalidEventException {
        if (json == null) {
            throw new InvalidEventException(InvalidEventException.Kind.MALFORMED, "empty record value");
        }
        requireUtf8(json);
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(InvalidEventException.Kind.MALFORMED, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidEventException(InvalidEventException.Kind.MALFORMED, "not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException(InvalidEventException.Kind.MALFORMED, "not a JSON object");
        }
        return root;
    }

    /**
     * JSON is UTF-8, strictly: Jackson's reader lets overlong forms (a {@code /} as {@code C0 AF}) and code points past
     * U+10FFFF through, which would smuggle characters past the checks on names and make text no one sent.
     */
    private static void requireUtf8(byte[] json) throws InvalidEventException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
        ByteBuffer in = ByteBuffer.wrap(json);
        CharBuffer out = CharBuffer.allocate(Math.max(16, Math.min(json.length, 8192)));
        for (CoderResult r = decoder.decode(in, out, true); !r.isUnderflow(); r = decoder.decode(in, out, true)) {
            if (r.isError()) {
                throw new InvalidEventException(InvalidEventException.Kind.MALFORMED, "not valid UTF-8 at byte " + in.position());
            }
            out.clear();
        }
    }

    private static void requireHeader(JsonNode root, String type) throws InvalidEventException {
        String actual = requireText(root, "type");
        if (!type.equals(actual)) {
            throw new InvalidEventException("'type' must be '" + type + "', was '" + abbreviate(actual) + "'");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber()) {
            throw new InvalidEventException("missing required integer 'version'");
        }
        if (version.asInt() != VERSION) {
            throw new InvalidEventException(InvalidEventException.Kind.UNSUPPORTED_VERSION, "unsupported major version " + version.asInt() + " (this app reads " + VERSION + ")");
        }
        parseTimestamp(requireText(root, "timestamp"));
    }

    /**
     * Replaces causes beyond {@link Limits#MAX_CAUSE_DEPTH} by one marker, iteratively, before anything recursive (validation,
     * binding) walks the chain: a hostile 1,000-deep chain must not exhaust the stack.
     */
    private void cutCauseChain(ObjectNode exception) {
        ObjectNode node = exception;
        for (int depth = 1; depth < Limits.MAX_CAUSE_DEPTH; depth++) {
            JsonNode cause = node.get("cause");
            if (cause == null || !cause.isObject()) {
                return;
            }
            node = (ObjectNode) cause;
        }
        JsonNode rest = node.get("cause");
        if (rest == null || !rest.isObject()) {
            return;
        }
        int dropped = 0;
        for (JsonNode c = rest; c != null && c.isObject(); c = c.get("cause")) {
            dropped++;
        }
        ObjectNode marker = node.putObject("cause");
        marker.put("type", Limits.TRUNCATED_TYPE);
        marker.put("message", Limits.moreCausesMessage(dropped));
        marker.putArray("frames");
    }

    private static void requireServiceName(JsonNode root) throws InvalidEventException {
        if (root.get("service").asText().contains("/")) {
            throw new InvalidEventException("'service' must not contain '/'");
        }
    }

    private static void requireExceptionInfo(JsonNode exception, String path) throws InvalidEventException {
        requireText(exception, "type", path + ".type");
        JsonNode frames = exception.get("frames");
        if (frames != null && !frames.isNull()) {
            if (!frames.isArray()) {
                throw new InvalidEventException("'" + path + ".frames' must be an array");
            }
            int i = 0;
            for (JsonNode frame : frames) {
                requireText(frame, "className", path + ".frames[" + i + "].className");
                requireText(frame, "method", path + ".frames[" + i + "].method");
                i++;
            }
        }
        JsonNode cause = exception.get("cause");
        if (cause != null && !cause.isNull()) {
            if (!cause.isObject()) {
                throw new InvalidEventException("'" + path + ".cause' must be an object or null");
            }
            requireExceptionInfo(cause, path + ".cause");
        }
    }

    /** A name that identifies something (id, service, instance, environment): required, and short enough to be a key. */
    private static String requireName(JsonNode node, String field) throws InvalidEventException {
        String value = requireText(node, field);
        if (value.length() > Limits.MAX_NAME_CHARS) {
            throw new InvalidEventException("'" + field + "' is longer than " + Limits.MAX_NAME_CHARS + " characters");
        }
        return value;
    }

    private static void requireAtMost(JsonNode node, String field, int entries) throws InvalidEventException {
        JsonNode value = node.get(field);
        if (value != null && value.size() > entries) {
            throw new InvalidEventException("'" + field + "' has " + value.size() + " entries, at most " + entries + " are accepted");
        }
    }

    private static String requireText(JsonNode node, String field) throws InvalidEventException {
        return requireText(node, field, field);
    }

    private static String requireText(JsonNode node, String field, String path) throws InvalidEventException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEventException("missing required field '" + path + "'");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidEventException("'" + path + "' must be a non-empty string");
        }
        return value.asText();
    }

    private <T> T bind(JsonNode root, Class<T> type) throws InvalidEventException {
        try {
            return mapper.treeToValue(root, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidEventException("cannot read " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
