package io.tocsin.fuzz;

import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Limits;
import io.tocsin.model.RequestInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Events as arbitraries: {@link #validExceptionEvents()} and {@link #validHeartbeats()} keep every part within the
 * contract and {@link Limits} (so decoding them must give them back unchanged); {@link #hostileExceptionEvents()}
 * goes past every limit, with text full of what breaks naive code.
 */
public final class FuzzEvents {

    /**
     * Characters that break naive text handling: controls, quotes and escapes, bidi and zero-width marks, line and
     * paragraph separators, BOM, replacement and non-characters, combining marks, lone and paired surrogates.
     */
    static final String ODD_CHARS = "\u0000\u0001\u0008\t\n\r\u001b\u001f\"\\/'`<>&%$@{}[]:.,;=+-_~#?*|"
            + "\u007f\u0080\u009f\u00a0\u00ad\u0301\u034f\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2028\u2029"
            + "\u2066\u2069\ufeff\ufffd\ufffe\uffff\ud800\udbff\udc00\udfff\ud83d\ude00\u00e9\u0416\u4e2d\u0663";
    private static final int SHORT = 48;
    /** Year 0000 to year 9999: what the contract's timestamp pattern allows. */
    private static final long FIRST_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    private record Header(String id, String service, String instance, String environment, Instant timestamp) {
    }

    private record Extras(String category, RequestInfo request, Map<String, String> tags, List<String> fingerprint, long count) {
    }

    private record Sizes(int depth, int frames, int text, int message, int tags, int key, int url, int parts) {
    }

    private static final Sizes WITHIN_LIMITS = new Sizes(Limits.MAX_CAUSE_DEPTH, 20, 40, Limits.MAX_MESSAGE_CHARS, Limits.MAX_TAGS, 40,
            Limits.MAX_URL_CHARS, Limits.MAX_FINGERPRINT_PARTS);
    /** As within limits, with messages of a few lines: normalising long ones is the slow part, fuzzed on its own. */
    private static final Sizes ORDINARY = new Sizes(Limits.MAX_CAUSE_DEPTH, 20, 40, 300, Limits.MAX_TAGS, 40, Limits.MAX_URL_CHARS,
            Limits.MAX_FINGERPRINT_PARTS);
    /** Just past each limit (the topology cuts tag keys at 64 characters). */
    private static final Sizes PAST_LIMITS = new Sizes(24, 220, 600, 5_000, 40, 90, 3_000, 20);

    private FuzzEvents() {
    }

    public static Arbitrary<ExceptionEvent> validExceptionEvents() {
        return exceptionEvents(WITHIN_LIMITS);
    }

    /** Valid events whose messages are at most a few lines long. */
    public static Arbitrary<ExceptionEvent> ordinaryExceptionEvents() {
        return exceptionEvents(ORDINARY);
    }

    /** Deeper chains, more frames and tags, and longer text than any limit allows: the decoder must cut them. */
    public static Arbitrary<ExceptionEvent> hostileExceptionEvents() {
        return exceptionEvents(PAST_LIMITS);
    }

    public static Arbitrary<HeartbeatEvent> validHeartbeats() {
        Arbitrary<Map<String, Double>> load = Arbitraries.maps(keys(20), Arbitraries.doubles()).ofMaxSize(Limits.MAX_LOAD_FIGURES);
        Arbitrary<Map<String, Long>> agent = Arbitraries.maps(keys(20), Arbitraries.longs()).ofMaxSize(Limits.MAX_AGENT_COUNTERS).injectNull(0.3);
        return Combinators.combine(header(), text(Limits.MAX_NAME_CHARS).injectNull(0.3), Arbitraries.longs().greaterOrEqual(1),
                        Arbitraries.of(HeartbeatEvent.Status.class), load, agent)
                .as((h, address, interval, status, figures, counters) -> new HeartbeatEvent(HeartbeatEvent.TYPE, 1, h.timestamp(),
                        h.service(), h.instance(), h.environment(), address, interval, status, figures, counters));
    }

    /**
     * Text of every sort (plain words and identifiers, odd characters, well-formed text beyond the BMP, any UTF-16 code
     * unit at all), mostly short; one time in five a random piece repeated up to {@code maxLength}: generating every
     * character of long text would cost more than all the rest of a property.
     */
    public static Arbitrary<String> text(int maxLength) {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(4, plain(Math.min(maxLength, SHORT))),
                Tuple.of(2, unicode(Math.min(maxLength, SHORT))),
                Tuple.of(2, Arbitraries.strings().withChars(ODD_CHARS).withCharRange('a', 'f').numeric().ofMaxLength(Math.min(maxLength, SHORT))),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(Math.min(maxLength, SHORT))));
        if (maxLength <= SHORT) {
            return piece;
        }
        Arbitrary<String> repeated = Combinators.combine(piece.filter(p -> !p.isEmpty()), Arbitraries.integers().between(SHORT + 1, maxLength))
                .as((p, length) -> p.repeat(length / p.length() + 1).substring(0, length));
        return Arbitraries.frequencyOf(Tuple.of(4, piece), Tuple.of(1, repeated));
    }

    /**
     * Text without lone surrogates, as JSON field names must be (Jackson refuses a lone surrogate in a name it reads,
     * though it writes one): the keys of tags, load figures and agent counters.
     */
    public static Arbitrary<String> keys(int maxLength) {
        return Arbitraries.oneOf(plain(maxLength), unicode(maxLength));
    }

    private static Arbitrary<String> plain(int maxLength) {
        return Arbitraries.strings().alpha().numeric().withChars(" .-_:/").ofMaxLength(maxLength);
    }

    /** Well-formed text where characters beyond the BMP (two UTF-16 units) sit anywhere, across every cut. */
    private static Arbitrary<String> unicode(int maxLength) {
        return Arbitraries.of("a", "Z", "1", " ", "\u00e9", "\u4e2d", "\ud83d\ude00", "\ud834\udd1e", "\ud83c\udff3\ufe0f\u200d\ud83c\udf08")
                .list().ofMaxSize(Math.max(1, maxLength / 2))
                .map(parts -> String.join("", parts))
                .map(s -> s.length() <= maxLength ? s : s.substring(0, maxLength - (Character.isHighSurrogate(s.charAt(maxLength - 1)) ? 1 : 0)));
    }

    /** Text that is not blank, as names and types must be. */
    public static Arbitrary<String> nonBlank(int maxLength) {
        return text(maxLength).filter(s -> !s.isBlank());
    }

    public static Arbitrary<Instant> instants() {
        return Combinators.combine(Arbitraries.longs().between(FIRST_SECOND, LAST_SECOND), Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond);
    }

    /** Class names as JVMs print them, generated and proxy ones included, or any text. */
    public static Arbitrary<String> classNames(int maxLength) {
        Arbitrary<String> pkg = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8).list().ofMinSize(1).ofMaxSize(4)
                .map(parts -> String.join(".", parts));
        Arbitrary<String> simple = Arbitraries.strings().withCharRange('A', 'Z').ofLength(1)
                .flatMap(first -> Arbitraries.strings().alpha().ofMaxLength(12).map(rest -> first + rest));
        Arbitrary<String> suffix = Arbitraries.of("", "", "", "$1", "$Inner", "$$Lambda$17/0x0000000800c4b840", "$$Lambda/0x000000080120c000",
                "$$EnhancerBySpringCGLIB$$1a2b3c", "$$SpringCGLIB$$0", "$HibernateProxy$Ab12Cd", "$ByteBuddy$x1y2$auxiliary$k9");
        Arbitrary<String> javaName = Combinators.combine(pkg, simple, suffix).as((p, s, x) -> p + "." + s + x);
        Arbitrary<String> glue = Arbitraries.of("jdk.internal.reflect.GeneratedMethodAccessor12", "jdk.internal.reflect.NativeMethodAccessorImpl",
                "jdk.internal.reflect.DirectMethodHandleAccessor", "java.lang.reflect.Method", "jdk.proxy2.$Proxy31", "com.sun.proxy.$Proxy7",
                "java.lang.invoke.LambdaForm$MH/0x0000000801004400", "sun.reflect.GeneratedMethodAccessor3");
        return Arbitraries.frequencyOf(Tuple.of(6, javaName), Tuple.of(1, glue), Tuple.of(2, text(maxLength).filter(s -> !s.isBlank())));
    }

    public static Arbitrary<String> methodNames(int maxLength) {
        Arbitrary<String> plain = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> generated = Arbitraries.of("lambda$handle$0", "lambda$static$12", "access$000", "access$accessor$Ab12", "<init>", "<clinit>");
        return Arbitraries.frequencyOf(Tuple.of(6, plain), Tuple.of(1, generated), Tuple.of(2, text(maxLength).filter(s -> !s.isBlank())));
    }

    /** Mostly a few, sometimes up to {@code max}. */
    private static <T> Arbitrary<List<T>> mostlyFew(Arbitrary<T> element, int max) {
        return Arbitraries.frequencyOf(Tuple.of(8, element.list().ofMaxSize(Math.min(6, max))), Tuple.of(1, element.list().ofMaxSize(max)));
    }

    public static Arbitrary<Frame> frames(int maxText) {
        return Combinators.combine(classNames(maxText), methodNames(maxText), text(maxText).injectNull(0.3),
                        Arbitraries.integers().injectNull(0.2), Arbitraries.of(true, false))
                .as(Frame::new)
                // a frame named like the truncation marker is counted again when cut (see EventLimits)
                .filter(f -> !Limits.TRUNCATED_TYPE.equals(f.className()));
    }

    /** A cause chain: the first exception of the list on top, each next one the cause of the one before. */
    public static ExceptionInfo chain(List<ExceptionInfo> levels) {
        ExceptionInfo cause = null;
        for (int i = levels.size() - 1; i >= 0; i--) {
            ExceptionInfo level = levels.get(i);
            cause = new ExceptionInfo(level.type(), level.message(), level.frames(), cause);
        }
        return cause;
    }

    private static Arbitrary<ExceptionEvent> exceptionEvents(Sizes sizes) {
        return Combinators.combine(header(), exceptions(sizes), extras(sizes))
                .as((h, exception, x) -> new ExceptionEvent(ExceptionEvent.TYPE, 1, h.id(), h.timestamp(), h.service(), h.instance(),
                        h.environment(), x.category(), exception, x.request(), x.tags(), x.fingerprint(), x.count()));
    }

    private static Arbitrary<Header> header() {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().alpha().numeric().withChars("-._").ofMinLength(1).ofMaxLength(30)),
                Tuple.of(1, nonBlank(60)));
        return Combinators.combine(names, names.filter(s -> !s.contains("/")), names, names, instants()).as(Header::new);
    }

    private static Arbitrary<ExceptionInfo> exceptions(Sizes sizes) {
        Arbitrary<String> message = text(sizes.message()).injectNull(0.2);
        Arbitrary<ExceptionInfo> level = Combinators.combine(classNames(sizes.text()), message, mostlyFew(frames(sizes.text()), sizes.frames()))
                .as((type, text, frames) -> new ExceptionInfo(type, text, frames, null));
        return mostlyFew(level, sizes.depth()).filter(levels -> !levels.isEmpty()).map(FuzzEvents::chain);
    }

    private static Arbitrary<Extras> extras(Sizes sizes) {
        Arbitrary<RequestInfo> request = Combinators.combine(Arbitraries.of("GET", "POST", "DELETE", "").injectNull(0.1), urls(sizes.url()).injectNull(0.1))
                .as(RequestInfo::new).injectNull(0.4);
        Arbitrary<Map<String, String>> tags = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.maps(keys(24), text(sizes.text())).ofMaxSize(4)),
                Tuple.of(1, Arbitraries.maps(keys(sizes.key()), text(sizes.text())).ofMaxSize(sizes.tags())));
        Arbitrary<List<String>> fingerprint = text(sizes.text()).list().ofMinSize(1).ofMaxSize(sizes.parts()).injectNull(0.8);
        return Combinators.combine(text(40).injectNull(0.3), request, tags, fingerprint, Arbitraries.longs().greaterOrEqual(1))
                .as(Extras::new);
    }

    /** Paths and URLs with ids, names, queries and fragments, or any text up to {@code maxLength}. */
    public static Arbitrary<String> urls(int maxLength) {
        Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of("users", "orders", "order-items", "api", "v2", "new", "me", "search"),
                Arbitraries.strings().alpha().numeric().withChars("-_.%@+=").ofMaxLength(20));
        Arbitrary<String> path = segment.list().ofMaxSize(6).map(s -> "/" + String.join("/", s));
        Arbitrary<String> prefix = Arbitraries.of("", "", "https://shop.example", "http://10.0.0.5:8080");
        Arbitrary<String> suffix = Arbitraries.of("", "", "?x=1", "#top", "?q=a/b#c");
        return Arbitraries.frequencyOf(Tuple.of(4, Combinators.combine(prefix, path, suffix).as((p, s, x) -> p + s + x)),
                Tuple.of(1, text(maxLength)));
    }
}
