package io.tocsin.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.fuzz.Decoders;
import io.tocsin.fuzz.FuzzEvents;
import io.tocsin.fuzz.FuzzJson;
import io.tocsin.fuzz.FuzzLifecycle;
import io.tocsin.fuzz.HangGuard;
import io.tocsin.fuzz.Verdict;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Limits;
import io.tocsin.model.RequestInfo;
import io.tocsin.topology.EventLimits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the {@link Fingerprinter} with what the decoder accepts: it never throws and takes bounded time; it is
 * deterministic; it ignores what its documentation says it ignores (line numbers and files, the message of an
 * exception with in-app frames, ids in messages and routes, the depth of a recursion, generated class numbering,
 * reflection glue), and it separates what must stay apart (exception type, in-app code, service, environment,
 * custom fingerprint). Cause cycles cannot be sent (JSON is a tree and {@link ExceptionInfo} is immutable): frame
 * cycles, i.e. recursion, are what is fuzzed.
 */
@AddLifecycleHook(FuzzLifecycle.class)
class FingerprinterFuzzTest implements FuzzLifecycle.Guarded {

    private static final Pattern ID = Pattern.compile("v2-[0-9a-f]{32}");
    private static final List<Frame> LIBRARY_ONLY = List.of(new Frame("org.postgresql.Driver", "connect", null, null, false));

    private final Decoders decoders = new Decoders();
    private final EventCodec codec = new EventCodec();
    private final Fingerprinter fingerprinter = new Fingerprinter();
    private final HangGuard guard = new HangGuard();

    @Override
    public HangGuard guard() {
        return guard;
    }

    @Property
    void fingerprintsEveryEventTheDecoderAcceptsInBoundedTime(@ForAll("inputs") byte[] raw) throws Exception {
        Verdict<ExceptionEvent> verdict = Verdict.of(guard, decoders.exceptions(), raw);
        if (!verdict.accepted()) {
            return; // DecoderFuzzTest covers refusals
        }

        Fingerprint fingerprint = guard.run(() -> fingerprinter.fingerprint(verdict.event()));

        assertThat(fingerprint.id()).matches(ID);
        assertThat(fingerprint.title()).isNotNull();
    }

    @Property
    void fingerprintsTextBuiltToStressItsPatternsInBoundedTime(@ForAll("stressingEvents") ExceptionEvent event) throws Exception {
        Verdict<ExceptionEvent> verdict = Verdict.of(guard, decoders.exceptions(), FuzzJson.json(event));
        Assume.that(verdict.accepted());

        assertThat(guard.run(() -> fingerprinter.fingerprint(verdict.event())).id()).matches(ID);
    }

    @Property
    void givesTheSameFingerprintForTheSameEventWhateverCameBefore(@ForAll("boundedEvents") ExceptionEvent event,
                                                                  @ForAll("events") ExceptionEvent before) {
        Fingerprint fresh = new Fingerprinter().fingerprint(event);
        fingerprinter.fingerprint(before);

        assertThat(fingerprinter.fingerprint(event)).isEqualTo(fresh);
        assertThat(fingerprinter.fingerprint(codec.mapper().convertValue(event, ExceptionEvent.class))).isEqualTo(fresh);
    }

    @Property
    void ignoresLineNumbersAndFileNames(@ForAll("events") ExceptionEvent event, @ForAll int shift) {
        ExceptionEvent moved = withException(event, eachLevel(event.exception(), x -> level(x, x.message(), x.frames().stream()
                .map(f -> new Frame(f.className(), f.method(), f.file() == null ? "Moved.java" : null,
                        f.line() == null ? shift : f.line() + shift, f.inApp()))
                .toList())));

        assertThat(fingerprinter.fingerprint(moved)).isEqualTo(fingerprinter.fingerprint(event));
    }

    @Property
    void ignoresTheMessageOfAnExceptionWithInAppFrames(@ForAll("events") ExceptionEvent event, @ForAll("text") String message) {
        ExceptionEvent reworded = withException(event, eachLevel(event.exception(),
                x -> hasInAppCode(x) ? level(x, message, x.frames()) : x));

        assertThat(fingerprinter.fingerprint(reworded).id()).isEqualTo(fingerprinter.fingerprint(event).id());
    }

    @Property
    void ignoresIdsInTheMessageOfAnExceptionWithoutInAppFrames(@ForAll("messageShapes") List<Token> shape,
                                                               @ForAll Random one, @ForAll Random other) {
        ExceptionEvent first = event(new ExceptionInfo("java.sql.SQLException", Token.fill(shape, one), LIBRARY_ONLY, null), null);
        ExceptionEvent second = event(new ExceptionInfo("java.sql.SQLException", Token.fill(shape, other), LIBRARY_ONLY, null), null);

        assertThat(fingerprinter.fingerprint(second)).isEqualTo(fingerprinter.fingerprint(first));
    }

    @Property
    void ignoresIdsHostsQueriesAndFragmentsInRoutes(@ForAll("routeShapes") List<String> collections, @ForAll Random one, @ForAll Random other) {
        ExceptionInfo exception = new ExceptionInfo("java.lang.IllegalStateException", "m", List.of(app("com.acme.Api", "get")), null);

        assertThat(fingerprinter.fingerprint(event(exception, new RequestInfo("GET", Route.fill(collections, other)))))
                .isEqualTo(fingerprinter.fingerprint(event(exception, new RequestInfo("GET", Route.fill(collections, one)))));
    }

    /**
     * From two copies of a cycle on, whatever the depth. A single copy can differ: when the frames before the cycle
     * repeat part of it, collapsing that repeat misaligns the copy ({@code A} then cycle {@code B A B C}: one copy
     * gives {@code A B C}, two or more give {@code A B C B A B C}), so a call that did not recurse and one that did
     * may group apart, while the depth of a real recursion never separates groups.
     */
    @Property
    void ignoresTheDepthOfARecursion(@ForAll("callFrames") List<Frame> before, @ForAll("cycles") List<Frame> cycle,
                                     @ForAll("callFrames") List<Frame> after, @ForAll @IntRange(min = 3, max = 40) int depth) {
        Fingerprint twice = fingerprinter.fingerprint(event(thrownThrough(before, Collections.nCopies(2, cycle), after), null));
        Fingerprint deep = fingerprinter.fingerprint(event(thrownThrough(before, Collections.nCopies(depth, cycle), after), null));

        assertThat(deep).isEqualTo(twice);
    }

    @Property
    void ignoresGeneratedClassNumberingAndReflectionGlue(@ForAll("frameShapes") List<FrameShape> shape, @ForAll Random one,
                                                         @ForAll Random other) {
        Fingerprint first = fingerprinter.fingerprint(event(new ExceptionInfo("X", "m", FrameShape.fill(shape, one), null), null));
        Fingerprint second = fingerprinter.fingerprint(event(new ExceptionInfo("X", "m", FrameShape.fill(shape, other), null), null));

        assertThat(second).isEqualTo(first);
    }

    @Property
    void separatesDifferentExceptionTypes(@ForAll("events") ExceptionEvent event, @ForAll("typeNames") String type) {
        ExceptionEvent computed = withFingerprint(event, null);
        ExceptionInfo top = computed.exception();
        Assume.that(!Normalizer.className(type).equals(Normalizer.className(top.type())));
        ExceptionEvent retyped = withException(computed, new ExceptionInfo(type, top.message(), top.frames(), top.cause()));

        assertThat(fingerprinter.fingerprint(retyped).id()).isNotEqualTo(fingerprinter.fingerprint(computed).id());
    }

    @Property
    void separatesDifferentInAppCode(@ForAll("events") ExceptionEvent event) {
        ExceptionEvent computed = withFingerprint(event, null);
        ExceptionInfo top = computed.exception();
        List<Frame> frames = new ArrayList<>(List.of(app("tocsin.fuzz.Unseen$Fresh", "neverSeenBefore")));
        frames.addAll(top.frames());
        ExceptionEvent elsewhere = withException(computed, new ExceptionInfo(top.type(), top.message(), frames, top.cause()));

        assertThat(fingerprinter.fingerprint(elsewhere).id()).isNotEqualTo(fingerprinter.fingerprint(computed).id());
    }

    @Property
    void separatesServicesAndEnvironments(@ForAll("events") ExceptionEvent event, @ForAll("names") String name) {
        Assume.that(!name.equals(event.service()) && !name.equals(event.environment()));
        ExceptionEvent otherService = new ExceptionEvent(event.type(), 1, event.id(), event.timestamp(), name, event.instance(),
                event.environment(), event.category(), event.exception(), event.request(), event.tags(), event.fingerprint(), 1);
        ExceptionEvent otherEnvironment = new ExceptionEvent(event.type(), 1, event.id(), event.timestamp(), event.service(),
                event.instance(), name, event.category(), event.exception(), event.request(), event.tags(), event.fingerprint(), 1);

        String id = fingerprinter.fingerprint(event).id();
        assertThat(fingerprinter.fingerprint(otherService).id()).isNotEqualTo(id);
        assertThat(fingerprinter.fingerprint(otherEnvironment).id()).isNotEqualTo(id);
    }

    @Property
    void groupsByACustomFingerprintAloneAndSeparatesDifferentOnes(@ForAll("events") ExceptionEvent one, @ForAll("events") ExceptionEvent other,
                                                                  @ForAll("customFingerprints") List<String> custom,
                                                                  @ForAll("customFingerprints") List<String> otherCustom) {
        ExceptionEvent sameScope = new ExceptionEvent(other.type(), 1, other.id(), other.timestamp(), one.service(), other.instance(),
                one.environment(), other.category(), other.exception(), other.request(), other.tags(), custom, 1);
        String id = fingerprinter.fingerprint(withFingerprint(one, custom)).id();

        assertThat(fingerprinter.fingerprint(sameScope).id()).isEqualTo(id);
        if (!otherCustom.equals(custom)) {
            assertThat(fingerprinter.fingerprint(withFingerprint(one, otherCustom)).id()).isNotEqualTo(id);
        }
    }

    // --- what the properties above draw from ---

    /** Mostly events the decoder accepts (valid ones, hostile ones it cuts), and mutated ones, some of which it accepts. */
    @Provide
    Arbitrary<byte[]> inputs() {
        return Arbitraries.frequencyOf(Tuple.of(2, FuzzEvents.validExceptionEvents().map(FuzzJson::json)),
                Tuple.of(1, FuzzEvents.hostileExceptionEvents().map(FuzzJson::json)),
                Tuple.of(2, FuzzJson.mutated(FuzzEvents.validExceptionEvents())));
    }

    /** Hostile events as the decoder passes them on: cut to {@link Limits}. */
    @Provide
    Arbitrary<ExceptionEvent> boundedEvents() {
        return FuzzEvents.hostileExceptionEvents().map(FingerprinterFuzzTest::boundedOrNull).filter(Objects::nonNull);
    }

    @Provide
    Arbitrary<ExceptionEvent> events() {
        return FuzzEvents.ordinaryExceptionEvents();
    }

    @Provide
    Arbitrary<String> text() {
        return FuzzEvents.text(200).injectNull(0.1);
    }

    @Provide
    Arbitrary<String> names() {
        return FuzzEvents.nonBlank(30);
    }

    @Provide
    Arbitrary<String> typeNames() {
        return FuzzEvents.classNames(60).filter(t -> !t.isBlank());
    }

    @Provide
    Arbitrary<List<String>> customFingerprints() {
        return Arbitraries.strings().alpha().numeric().withChars("-_.: ").ofMaxLength(20).list().ofMinSize(1).ofMaxSize(4);
    }

    /**
     * Every exception of the chain without a frame in the application, so each message is normalised, with a message
     * the patterns work hardest on: a prefix, a unit repeated up to the message limit (dotted names, emails, quotes,
     * hex, digits), and an ending that makes a pattern try, backtrack or fail furthest; the top one under a route as
     * long as the limit allows.
     */
    @Provide
    Arbitrary<ExceptionEvent> stressingEvents() {
        Arbitrary<String> prefix = Arbitraries.of("", "x@", "a", "1", "'", "\"", "0x");
        Arbitrary<String> unit = Arbitraries.of("a.", "1.", "a-", "a", "1", "f", "a@", ".a", "'a", "0x1", "a:", "a.1", " ", "$1");
        Arbitrary<String> ending = Arbitraries.of("", ":", ":1", "a:80", "@", "@x", "!", "'", "\"", ".");
        Arbitrary<Integer> length = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(1, 256)),
                Tuple.of(1, Arbitraries.integers().between(Limits.MAX_MESSAGE_CHARS - 600, Limits.MAX_MESSAGE_CHARS)));
        Arbitrary<String> message = Combinators.combine(prefix, unit, length, ending)
                .as((p, u, n, e) -> p + u.repeat(Math.max(1, (n - p.length() - e.length()) / u.length())) + e);
        Arbitrary<String> route = Combinators.combine(unit, Arbitraries.integers().between(1, Limits.MAX_URL_CHARS / 2))
                .as((u, n) -> ("/users/" + u).repeat(Math.max(1, n / 8)));
        Arbitrary<ExceptionInfo> chain = Arbitraries.frequencyOf(Tuple.of(12, message.list().ofMinSize(1).ofMaxSize(2)),
                        Tuple.of(1, message.list().ofMinSize(1).ofMaxSize(Limits.MAX_CAUSE_DEPTH + 4)))
                .map(messages -> FuzzEvents.chain(messages.stream()
                        .map(m -> new ExceptionInfo("java.lang.Exception$" + m.length(), m, LIBRARY_ONLY, null)).toList()));
        return Combinators.combine(chain, route).as((exception, url) -> event(exception, new RequestInfo("GET", url)));
    }

    @Provide
    Arbitrary<List<Token>> messageShapes() {
        return Arbitraries.of(Token.class).list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<String>> routeShapes() {
        return Arbitraries.of("users", "orders", "order-items", "invoices", "accounts").list().ofMinSize(1).ofMaxSize(5);
    }

    /** A few frames of a small code base, in-app or not, so cycles meet the frames around them. */
    @Provide
    Arbitrary<List<Frame>> callFrames() {
        return callFrame().list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Frame>> cycles() {
        return callFrame().list().ofMinSize(1).ofMaxSize(Fingerprinter.MAX_CYCLE);
    }

    private static Arbitrary<Frame> callFrame() {
        return Combinators.combine(Arbitraries.of("com.acme.json.Parser", "com.acme.calc.Expr", "org.lib.Dispatch"),
                        Arbitraries.of("read", "value", "array"), Arbitraries.integers().between(1, 500))
                .as((cls, method, line) -> new Frame(cls, method, "F.java", line, cls.startsWith("com.acme")));
    }

    @Provide
    Arbitrary<List<FrameShape>> frameShapes() {
        Arbitrary<FrameShape> frame = Combinators.combine(Arbitraries.of("com.acme.OrderService", "com.acme.Api", "org.lib.Web"),
                Arbitraries.of(Suffix.class), Arbitraries.of(MethodName.class), Arbitraries.of(true, false)).as(FrameShape::new);
        return frame.list().ofMinSize(1).ofMaxSize(12);
    }

    // --- helpers ---

    private static ExceptionEvent boundedOrNull(ExceptionEvent event) {
        try {
            return EventLimits.bound(event);
        } catch (InvalidEventException e) {
            return null;
        }
    }

    private static Frame app(String cls, String method) {
        return new Frame(cls, method, null, 1, true);
    }

    /** The frames of a throw: {@code before}, then each copy of a recursion's cycle, then {@code after}. */
    private static ExceptionInfo thrownThrough(List<Frame> before, List<List<Frame>> recursion, List<Frame> after) {
        List<Frame> frames = new ArrayList<>(before);
        recursion.forEach(frames::addAll);
        frames.addAll(after);
        return new ExceptionInfo("java.lang.StackOverflowError", null, frames, null);
    }

    private static boolean hasInAppCode(ExceptionInfo x) {
        return x.frames().stream().anyMatch(f -> f.inApp() && !Normalizer.isGlue(f.className()));
    }

    private static ExceptionInfo level(ExceptionInfo x, String message, List<Frame> frames) {
        return new ExceptionInfo(x.type(), message, frames, null);
    }

    /** The chain with {@code change} applied to each exception of it (the cause it returns is ignored). */
    private static ExceptionInfo eachLevel(ExceptionInfo top, UnaryOperator<ExceptionInfo> change) {
        List<ExceptionInfo> levels = new ArrayList<>();
        for (ExceptionInfo x = top; x != null; x = x.cause()) {
            levels.add(change.apply(x));
        }
        return FuzzEvents.chain(levels);
    }

    private static ExceptionEvent event(ExceptionInfo exception, RequestInfo request) {
        return new ExceptionEvent(ExceptionEvent.TYPE, 1, "id", java.time.Instant.EPOCH, "orders", "orders-1", "prod", "RUNTIME",
                exception, request, null, null, 1);
    }

    private static ExceptionEvent withException(ExceptionEvent e, ExceptionInfo exception) {
        return new ExceptionEvent(e.type(), e.version(), e.id(), e.timestamp(), e.service(), e.instance(), e.environment(),
                e.category(), exception, e.request(), e.tags(), e.fingerprint(), e.count());
    }

    private static ExceptionEvent withFingerprint(ExceptionEvent e, List<String> fingerprint) {
        return new ExceptionEvent(e.type(), e.version(), e.id(), e.timestamp(), e.service(), e.instance(), e.environment(),
                e.category(), e.exception(), e.request(), e.tags(), fingerprint, e.count());
    }

    /** A word of a message, or an id of some kind the normaliser must turn into the same placeholder whatever its value. */
    enum Token {
        WORD, NUMBER, UUID_, EMAIL, IP, IP_PORT, HOST_PORT, QUOTED, DOUBLE_QUOTED, HEX, HEX_ID;

        static String fill(List<Token> shape, Random random) {
            return String.join(" ", shape.stream().map(t -> t.value(random)).toList());
        }

        String value(Random r) {
            return switch (this) {
                // always the same word for the same shape: only ids vary between two fills
                case WORD -> "word" + "ghijklmnopqrstuvwxyz".charAt(ordinal());
                case NUMBER -> Long.toString(r.nextLong() & Long.MAX_VALUE);
                case UUID_ -> r.nextBoolean() ? new UUID(r.nextLong(), r.nextLong()).toString()
                        : new UUID(r.nextLong(), r.nextLong()).toString().toUpperCase(java.util.Locale.ROOT);
                case EMAIL -> letters(r, 1, 8) + "@" + letters(r, 1, 8) + "." + letters(r, 2, 4);
                case IP -> r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
                case IP_PORT -> IP.value(r) + ":" + r.nextInt(65_536);
                case HOST_PORT -> letters(r, 1, 8) + "." + letters(r, 1, 8) + ":" + (1 + r.nextInt(65_535));
                case QUOTED -> "'" + letters(r, 0, 12) + "'";
                case DOUBLE_QUOTED -> "\"" + letters(r, 0, 12) + "\"";
                case HEX -> "0x" + Long.toHexString(r.nextLong());
                case HEX_ID -> "a1" + Long.toHexString(r.nextLong() | Long.MIN_VALUE).substring(0, 6 + r.nextInt(10));
            };
        }

        /** Letters g-z only: none of them a hex digit, so a word never reads as an id. */
        static String letters(Random r, int min, int max) {
            StringBuilder s = new StringBuilder();
            for (int i = 0, n = min + r.nextInt(max - min + 1); i < n; i++) {
                s.append((char) ('g' + r.nextInt(20)));
            }
            return s.toString();
        }
    }

    /** A route of collections, each followed by a member named by an id, a name or an email, behind any host. */
    static final class Route {

        private Route() {
        }

        static String fill(List<String> collections, Random r) {
            StringBuilder url = new StringBuilder(List.of("", "https://shop.example", "http://10.0.0.5:8080").get(r.nextInt(3)));
            for (String collection : collections) {
                url.append('/').append(collection).append('/').append(member(r));
            }
            return url.append(List.of("", "?page=2", "#top", "?q=a/b#c").get(r.nextInt(4))).toString();
        }

        private static String member(Random r) {
            return switch (r.nextInt(4)) {
                case 0 -> Long.toString(r.nextLong() & Long.MAX_VALUE);
                case 1 -> new UUID(r.nextLong(), r.nextLong()).toString();
                case 2 -> Token.letters(r, 1, 8) + "@example.com";
                default -> "member-" + Token.letters(r, 3, 8);
            };
        }
    }

    /** What a generated or proxy class adds to a real class's name, with numbers that change from run to run. */
    enum Suffix {
        NONE, ANONYMOUS, LAMBDA, LAMBDA_HIDDEN, CGLIB, SPRING_CGLIB, HIBERNATE, BYTE_BUDDY, ACCESSOR;

        String value(Random r) {
            String n = Integer.toString(r.nextInt(10_000));
            String alnum = Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
            return switch (this) {
                case NONE -> "";
                case ANONYMOUS -> "$" + n;
                case LAMBDA -> "$$Lambda$" + n + "/0x" + Long.toHexString(r.nextLong());
                case LAMBDA_HIDDEN -> "$$Lambda/0x" + Long.toHexString(r.nextLong());
                case CGLIB -> "$$EnhancerBySpringCGLIB$$" + alnum;
                case SPRING_CGLIB -> "$$SpringCGLIB$$" + n;
                case HIBERNATE -> "$HibernateProxy$" + alnum;
                case BYTE_BUDDY -> "$ByteBuddy$" + alnum + (r.nextBoolean() ? "$auxiliary$" + alnum : "");
                case ACCESSOR -> "$accessor$" + alnum;
            };
        }
    }

    enum MethodName {
        PLAIN, LAMBDA, ACCESS, ACCESSOR;

        String value(Random r) {
            return switch (this) {
                case PLAIN -> "handle";
                case LAMBDA -> "lambda$handle$" + r.nextInt(100);
                case ACCESS -> "access$" + (100 + r.nextInt(900));
                case ACCESSOR -> "handle$accessor$" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
            };
        }
    }

    /** A frame whose generated parts are drawn at fill time, with reflection glue before it or not (drawn too). */
    record FrameShape(String cls, Suffix suffix, MethodName method, boolean inApp) {

        private static final List<String> GLUE = List.of("jdk.internal.reflect.GeneratedMethodAccessor%d",
                "sun.reflect.GeneratedMethodAccessor%d", "jdk.proxy%d.$Proxy%d", "com.sun.proxy.$Proxy%d", "$Proxy%d",
                "com.acme.GeneratedConstructorAccessor%d", "jdk.internal.reflect.NativeMethodAccessorImpl",
                "jdk.internal.reflect.DelegatingMethodAccessorImpl", "jdk.internal.reflect.DirectMethodHandleAccessor",
                "java.lang.reflect.Method", "java.lang.invoke.LambdaForm$MH/0x%x");

        static List<Frame> fill(List<FrameShape> shape, Random r) {
            List<Frame> frames = new ArrayList<>();
            for (FrameShape s : shape) {
                if (r.nextBoolean()) {
                    String glue = GLUE.get(r.nextInt(GLUE.size())).formatted(r.nextInt(1_000), r.nextInt(1_000));
                    frames.add(new Frame(glue, "invoke", null, -1, r.nextBoolean()));
                }
                frames.add(new Frame(s.cls() + s.suffix().value(r), s.method().value(r), null, r.nextInt(), s.inApp()));
            }
            return frames;
        }
    }
}
