package io.tocsin.fuzz;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tocsin.model.EventCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Raw record values as arbitraries: any bytes, JSON token soup, and valid events' JSON mutated (fields removed, nulled,
 * of the wrong type, huge, full of odd characters, nested thousands deep, with invalid UTF-8 or numbers out of range)
 * or cut short. Mutations work on the JSON tree; what a tree cannot hold (invalid UTF-8, malformed numbers, nesting
 * deeper than a recursive writer should meet) is spliced into the bytes afterwards, in place of a marker string.
 */
public final class FuzzJson {

    /** How one mutation changes the node it lands on. */
    public enum Kind {
        REMOVE, NULL, WRONG_TYPE, EMPTY_TEXT, ODD_TEXT, HUGE_TEXT, NUMBER, DEEP_ARRAYS, DEEP_OBJECTS, DEEP_CAUSES, INVALID_UTF8, RAW_NUMBER,
        /** The event's own timestamp, at the edges of what ISO-8601, Instant and a Kafka timestamp hold. */
        TIMESTAMP
    }

    /** A mutation: what, on which node (an index into the tree's nodes, wrapped), and how big or which variant. */
    public record Mutation(Kind kind, int at, int size) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new EventCodec().mapper();
    private static final String SPLICE = "tocsin-fuzz-splice-";
    /** Deep enough to cross the codec's nesting limit (10,000) now and then. */
    private static final int MAX_DEPTH = 12_000;
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "\\ud800", "null", "true",
            "false", "0", "-1", "1e999", "9223372036854775808", "1.5", "\"type\"", "\"exception\"", "\"heartbeat\"", "\"version\"",
            "\"cause\"", "\"frames\"", "\"2026-11-24T08:00:00Z\"", " ", "\n", "\u00e9", "\ud83d\ude00");
    private static final byte[][] INVALID_UTF8 = {
            {(byte) 0xC0, (byte) 0x80}, // overlong NUL
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
            {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFF}, // never in UTF-8
            {(byte) 0xE2, (byte) 0x82}, // cut short
            {(byte) 0x80}, // a lone continuation byte
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}};
    private static final List<String> TIMESTAMPS = List.of("1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00+01:00",
            "1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z", "+292278994-08-17T07:12:55.807Z",
            "+292278994-08-17T07:12:55.808Z", "+999999999-12-31T23:59:59.999999999-18:00", "-999999999-01-01T00:00:00+18:00",
            "9999-12-31T23:59:59.999999999Z", "2026-11-24T08:00:00-18:00", "2026-11-24T08:00:60Z", "2026-02-29T00:00:00Z",
            "2026-11-24T08:00Z", "2026-11-24T08:00:00.1234567891Z", "2026-11-24T08:00:00+18:01", "2026-11-24 08:00:00Z");
    private static final List<String> RAW_NUMBERS = List.of("1e999999", "-1e999999", "123456789012345678901234567890",
            "9223372036854775808", "-9223372036854775809", "4294967297", "1.0000000000000000000001", "-0", "NaN", "Infinity",
            "-Infinity", "01", "1e", ".5", "+1", "0x10", "1".repeat(1_500));

    private FuzzJson() {
    }

    public static Arbitrary<byte[]> anyBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2_048);
    }

    /** JSON's own punctuation, keywords, numbers, strings and escapes in random order: reaches deeper parser states. */
    public static Arbitrary<byte[]> tokenSoup() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(200)
                .map(tokens -> String.join("", tokens).getBytes(StandardCharsets.UTF_8));
    }

    public static Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().greaterOrEqual(0), sizes()).as(Mutation::new);
    }

    /** Mostly small, sometimes thousands, now and then around the codec's nesting limit: big inputs cost time. */
    public static Arbitrary<Integer> sizes() {
        return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.integers().between(0, 64)),
                Tuple.of(6, Arbitraries.integers().between(65, 1_500)),
                Tuple.of(1, Arbitraries.integers().between(9_950, MAX_DEPTH)));
    }

    /** The JSON of {@code events} with one to four mutations. */
    public static Arbitrary<byte[]> mutated(Arbitrary<?> events) {
        return Combinators.combine(events, mutations().list().ofMinSize(1).ofMaxSize(4)).as(FuzzJson::mutate);
    }

    /** The JSON of {@code events}, cut at a random point (never whole). */
    public static Arbitrary<byte[]> truncated(Arbitrary<?> events) {
        return events.map(FuzzJson::json).flatMap(json -> Arbitraries.integers().between(0, json.length - 1)
                .map(length -> Arrays.copyOf(json, length)));
    }

    public static byte[] json(Object event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Raw and mutated inputs of every kind above, for a property that takes them all. */
    public static Arbitrary<byte[]> anyInput(Arbitrary<?> events) {
        return Arbitraries.frequencyOf(Tuple.of(1, anyBytes()), Tuple.of(1, tokenSoup()), Tuple.of(4, mutated(events)),
                Tuple.of(1, truncated(events)), Tuple.of(1, events.map(FuzzJson::json)));
    }

    /** The JSON of {@code event} with its top exception replaced by a chain {@code depth} deep. */
    public static byte[] withCauseChain(Object event, int depth) {
        return mutate(event, List.of(new Mutation(Kind.DEEP_CAUSES, 0, depth)));
    }

    private static byte[] mutate(Object event, List<Mutation> mutations) {
        JsonNode root = MAPPER.valueToTree(event);
        List<byte[]> splices = new ArrayList<>();
        for (Mutation m : mutations) {
            List<JsonPointer> nodes = nodesOf(root);
            if (nodes.isEmpty()) {
                break;
            }
            JsonPointer at = switch (m.kind()) {
                case DEEP_CAUSES -> exceptionNode(nodes, m.at());
                case TIMESTAMP -> JsonPointer.compile("/timestamp");
                default -> nodes.get(m.at() % nodes.size());
            };
            if (m.kind() == Kind.REMOVE) {
                remove(root, at);
            } else {
                replace(root, at, replacement(m, splices));
            }
        }
        return spliced(json(root), splices);
    }

    private static JsonNode replacement(Mutation m, List<byte[]> splices) {
        int size = m.size();
        return switch (m.kind()) {
            case NULL -> NODES.nullNode();
            case WRONG_TYPE -> wrongType(size);
            case EMPTY_TEXT -> NODES.textNode(size % 2 == 0 ? "" : " \t\u00a0\u2028");
            case ODD_TEXT -> NODES.textNode(oddText(size));
            case HUGE_TEXT -> NODES.textNode("x0@'".repeat(size * 5));
            case NUMBER -> number(size);
            case DEEP_ARRAYS -> splice(splices, nested("[", "]", size));
            case DEEP_OBJECTS -> splice(splices, nested("{\"cause\":", "}", size));
            case DEEP_CAUSES -> splice(splices, deepCauses(size));
            case INVALID_UTF8 -> splice(splices, invalidUtf8(size));
            case RAW_NUMBER -> splice(splices, RAW_NUMBERS.get(size % RAW_NUMBERS.size()).getBytes(StandardCharsets.US_ASCII));
            case TIMESTAMP -> NODES.textNode(TIMESTAMPS.get(size % TIMESTAMPS.size()));
            case REMOVE -> throw new IllegalArgumentException("a removal replaces nothing");
        };
    }

    private static JsonNode wrongType(int variant) {
        return switch (variant % 7) {
            case 0 -> NODES.numberNode(variant);
            case 1 -> NODES.booleanNode(variant % 2 == 0);
            case 2 -> NODES.arrayNode();
            case 3 -> NODES.arrayNode().add("a").add(1).addNull();
            case 4 -> NODES.objectNode();
            case 5 -> NODES.objectNode().put("type", "x").putNull("frames");
            default -> NODES.textNode(Integer.toString(variant));
        };
    }

    private static JsonNode number(int variant) {
        return switch (variant % 8) {
            case 0 -> NODES.numberNode(Long.MIN_VALUE);
            case 1 -> NODES.numberNode(Long.MAX_VALUE);
            case 2 -> NODES.numberNode(new BigInteger("9".repeat(40)));
            case 3 -> NODES.numberNode(-1);
            case 4 -> NODES.numberNode(0);
            case 5 -> NODES.numberNode(1.5e300);
            case 6 -> NODES.numberNode(new BigDecimal("1e-400"));
            default -> NODES.numberNode(Integer.MAX_VALUE + 2L);
        };
    }

    private static String oddText(int size) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 1 + size % 300; i++) {
            s.append(FuzzEvents.ODD_CHARS.charAt((size + i * 7) % FuzzEvents.ODD_CHARS.length()));
        }
        return s.toString();
    }

    /** {@code depth} levels of {@code open}, around an empty array or object. */
    private static byte[] nested(String open, String close, int depth) {
        String innermost = close.equals("]") ? "[]" : "{}";
        return (open.repeat(depth) + innermost + close.repeat(depth)).getBytes(StandardCharsets.US_ASCII);
    }

    /** A cause chain {@code depth} deep, each exception with a frame: what a runaway wrapping loop would send. */
    private static byte[] deepCauses(int depth) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            s.append("{\"type\":\"com.acme.Wrapped").append(i % 3).append("\",\"message\":\"level ").append(i)
                    .append("\",\"frames\":[{\"className\":\"com.acme.Loop\",\"method\":\"wrap\",\"line\":").append(i)
                    .append(",\"inApp\":true}],\"cause\":");
        }
        s.append("null").append("}".repeat(depth));
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] invalidUtf8(int variant) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("\"ok ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(INVALID_UTF8[variant % INVALID_UTF8.length]);
        out.writeBytes(" ok\"".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static JsonNode splice(List<byte[]> splices, byte[] raw) {
        splices.add(raw);
        return NODES.textNode(SPLICE + (splices.size() - 1));
    }

    /** Puts each splice's raw bytes where its marker string (quotes included) was written. */
    private static byte[] spliced(byte[] json, List<byte[]> splices) {
        String text = new String(json, StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
        int from = 0;
        for (int i = 0; i < splices.size(); i++) {
            String marker = "\"" + SPLICE + i + "\"";
            int at = text.indexOf(marker, from);
            if (at < 0) {
                continue; // a later mutation removed or replaced it
            }
            out.writeBytes(text.substring(from, at).getBytes(StandardCharsets.UTF_8));
            out.writeBytes(splices.get(i));
            from = at + marker.length();
        }
        out.writeBytes(text.substring(from).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Every node below the root, as pointers, parents before children. */
    private static List<JsonPointer> nodesOf(JsonNode root) {
        List<JsonPointer> out = new ArrayList<>();
        collect(root, JsonPointer.empty(), out);
        return out;
    }

    private static void collect(JsonNode node, JsonPointer at, List<JsonPointer> out) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                JsonPointer child = at.appendProperty(field.getKey());
                out.add(child);
                collect(field.getValue(), child, out);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonPointer child = at.appendIndex(i);
                out.add(child);
                collect(node.get(i), child, out);
            }
        }
    }

    /** The top exception or one of its causes, where a deep chain belongs. */
    private static JsonPointer exceptionNode(List<JsonPointer> nodes, int pick) {
        List<JsonPointer> exceptions = nodes.stream()
                .filter(p -> p.last() != null && List.of("exception", "cause").contains(p.last().getMatchingProperty()))
                .toList();
        return exceptions.isEmpty() ? JsonPointer.compile("/exception") : exceptions.get(pick % exceptions.size());
    }

    private static void remove(JsonNode root, JsonPointer at) {
        JsonNode parent = root.at(at.head());
        if (parent instanceof ObjectNode object) {
            object.remove(at.last().getMatchingProperty());
        } else if (parent instanceof ArrayNode array) {
            array.remove(at.last().getMatchingIndex());
        }
    }

    private static void replace(JsonNode root, JsonPointer at, JsonNode value) {
        JsonNode parent = root.at(at.head());
        if (parent instanceof ObjectNode object) {
            object.set(at.last().getMatchingProperty(), value);
        } else if (parent instanceof ArrayNode array) {
            array.set(at.last().getMatchingIndex(), value);
        }
    }
}
