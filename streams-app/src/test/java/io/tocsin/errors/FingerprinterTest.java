package io.tocsin.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.RequestInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FingerprinterTest {

    /** The two frames of a mutual recursion: readValue calls readArray calls readValue... */
    private static final List<Frame> VALUE_ARRAY = List.of(app("com.acme.json.Parser", "readValue", 40),
            app("com.acme.json.Parser", "readArray", 72));

    private final Fingerprinter fingerprinter = new Fingerprinter();

    private static Frame app(String cls, String method, int line) {
        return new Frame(cls, method, cls.substring(cls.lastIndexOf('.') + 1) + ".java", line, true);
    }

    private static Frame lib(String cls, String method) {
        return new Frame(cls, method, null, -1, false);
    }

    private static ExceptionEvent event(String type, String message, List<Frame> frames, String url, List<String> custom) {
        return new ExceptionEvent("exception", 1, "id", Instant.EPOCH, "orders", "orders-1", "prod", "RUNTIME",
                new ExceptionInfo(type, message, frames, null), url == null ? null : new RequestInfo("GET", url),
                Map.of(), custom, 1);
    }

    private String fp(String type, String message, List<Frame> frames) {
        return fingerprinter.fingerprint(event(type, message, frames, null, null)).id();
    }

    @Test
    void shouldIgnoreLineNumbersAndMessagesWhenInAppFramesExist() {
        String a = fp("java.lang.IllegalStateException", "order 1 not found", List.of(app("com.acme.OrderService", "find", 42)));
        String b = fp("java.lang.IllegalStateException", "something else", List.of(app("com.acme.OrderService", "find", 57)));

        assertThat(a).isEqualTo(b).startsWith("v2-");
    }

    @Test
    void shouldCollapseProxyAndGeneratedClassNames() {
        String real = fp("X", "m", List.of(app("com.acme.OrderService", "find", 1)));
        for (String generated : List.of("com.acme.OrderService$$EnhancerBySpringCGLIB$$1a2b3c", "com.acme.OrderService$$SpringCGLIB$$0",
                "com.acme.OrderService$HibernateProxy$Ab12Cd", "com.acme.OrderService$ByteBuddy$x1y2",
                "com.acme.OrderService$ByteBuddy$x1y2$auxiliary$k9")) {
            assertThat(fp("X", "m", List.of(app(generated, "find", 1)))).as(generated).isEqualTo(real);
        }
        assertThat(fp("X", "m", List.of(app("com.acme.Api$$Lambda$17/0x0000000800c4b840", "run", 1))))
                .isEqualTo(fp("X", "m", List.of(app("com.acme.Api$$Lambda/0x000000080120c000", "run", 1))));
    }

    @Test
    void shouldIgnoreReflectionGlueThatAppearsAfterWarmUp() {
        List<Frame> early = List.of(app("com.acme.A", "call", 1), lib("jdk.internal.reflect.NativeMethodAccessorImpl", "invoke0"),
                lib("jdk.internal.reflect.NativeMethodAccessorImpl", "invoke"), lib("java.lang.reflect.Method", "invoke"),
                lib("org.springframework.Web", "handle"));
        List<Frame> warm = List.of(app("com.acme.A", "call", 1), lib("jdk.internal.reflect.GeneratedMethodAccessor12", "invoke"),
                lib("jdk.internal.reflect.DirectMethodHandleAccessor", "invoke"), lib("jdk.proxy2.$Proxy31", "call"),
                lib("java.lang.reflect.Method", "invoke"), lib("org.springframework.Web", "handle"));
        assertThat(fp("X", "m", early)).isEqualTo(fp("X", "m", warm));

        List<Frame> noAppEarly = new ArrayList<>(early.subList(1, early.size()));
        List<Frame> noAppWarm = new ArrayList<>(warm.subList(1, warm.size()));
        assertThat(fp("X", "m", noAppEarly)).isEqualTo(fp("X", "m", noAppWarm));
    }

    @Test
    void shouldUseTheNormalisedMessageOnlyWithoutInAppFrames() {
        List<Frame> libOnly = List.of(lib("org.postgresql.Driver", "connect"));
        assertThat(fp("java.sql.SQLException", "timeout after 3000 ms to db.acme.internal:5432 (user bob@acme.com)", libOnly))
                .isEqualTo(fp("java.sql.SQLException", "timeout after 5000 ms to db2.acme.internal:6432 (user eve@acme.com)", libOnly))
                .isNotEqualTo(fp("java.sql.SQLException", "connection refused", libOnly));
    }

    @Test
    void shouldNormaliseIdsInRoutes() {
        List<Frame> f = List.of(app("com.acme.A", "get", 1));
        assertThat(fingerprinter.fingerprint(event("X", "m", f, "/orders/123?x=1", null)).id())
                .isEqualTo(fingerprinter.fingerprint(event("X", "m", f, "/orders/9f1c2d3e-1111-2222-3333-444455556666", null)).id())
                .isNotEqualTo(fingerprinter.fingerprint(event("X", "m", f, "/users/1", null)).id());
    }

    @Test
    void shouldLetACustomFingerprintReplaceTheComputedOne() {
        ExceptionEvent a = event("A", "m", List.of(app("com.acme.A", "x", 1)), null, List.of("payments-down"));
        ExceptionEvent b = event("B", "n", List.of(app("com.acme.B", "y", 1)), null, List.of("payments-down"));

        assertThat(fingerprinter.fingerprint(a).id()).isEqualTo(fingerprinter.fingerprint(b).id());
    }

    @Test
    void shouldTitleWithTypeNormalisedMessageAndTopInAppFrame() {
        Fingerprint f = fingerprinter.fingerprint(event("java.lang.IllegalStateException", "order 123 not found",
                List.of(lib("java.util.Optional", "orElseThrow"), app("com.acme.OrderService", "find", 42)), null, null));

        assertThat(f.title()).isEqualTo("IllegalStateException: order <n> not found at OrderService.find");
    }

    /** Top frame, {@code depth} copies of {@code cycle} (each frame followed by library glue), then the entry point. */
    private static List<Frame> recursion(List<Frame> cycle, int depth) {
        List<Frame> frames = new ArrayList<>(List.of(app("com.acme.json.Parser", "fail", 12)));
        for (int i = 0; i < depth; i++) {
            for (Frame f : cycle) {
                frames.add(f);
                frames.add(lib("com.fasterxml.Dispatch", "call"));
            }
        }
        frames.add(app("com.acme.Api", "parse", 7));
        return frames;
    }

    private Fingerprint fingerprintOf(List<Frame> frames) {
        return fingerprinter.fingerprint(event("java.lang.StackOverflowError", null, frames, null, null));
    }

    @Test
    void shouldCollapseMutualRecursionWhateverItsDepth() {
        assertThat(fingerprinter.significantFrames(recursion(VALUE_ARRAY, 50))).containsExactly(
                "com.acme.json.Parser.fail", "com.acme.json.Parser.readValue", "com.acme.json.Parser.readArray", "com.acme.Api.parse");
        assertThat(fingerprintOf(recursion(VALUE_ARRAY, 10)))
                .isEqualTo(fingerprintOf(recursion(VALUE_ARRAY, 50)))
                .isEqualTo(fingerprintOf(recursion(VALUE_ARRAY, 1)));
    }

    @Test
    void shouldCollapseEveryCycleUpToTheBound() {
        List<Frame> cycle = IntStream.range(0, Fingerprinter.MAX_CYCLE).mapToObj(i -> app("com.acme.visit.Node" + i, "accept", i)).toList();

        assertThat(fingerprinter.significantFrames(recursion(cycle, 7))).hasSize(Fingerprinter.MAX_CYCLE + 2);
        assertThat(fingerprintOf(recursion(cycle, 7))).isEqualTo(fingerprintOf(recursion(cycle, 2)));
    }

    @Test
    void shouldCollapseNestedCycles() {
        Frame a = app("com.acme.Tree", "walk", 1);
        Frame b = app("com.acme.Tree", "child", 2);
        // walk -> child -> child -> walk -> child -> walk ...: the inner self-recursion varies per level
        List<Frame> irregular = List.of(a, b, b, a, b, a, b, b, b, a, b);

        assertThat(fingerprintOf(recursion(irregular, 3))).isEqualTo(fingerprintOf(recursion(List.of(a, b), 1)));
    }

    @Test
    void shouldKeepDifferentCyclesApart() {
        List<Frame> valueObject = List.of(app("com.acme.json.Parser", "readValue", 40), app("com.acme.json.Parser", "readObject", 90));
        List<Frame> arrayValue = List.of(app("com.acme.json.Parser", "readArray", 72), app("com.acme.json.Parser", "readValue", 40));

        assertThat(fingerprintOf(recursion(VALUE_ARRAY, 5)).id())
                .isNotEqualTo(fingerprintOf(recursion(valueObject, 5)).id())
                .isNotEqualTo(fingerprintOf(recursion(arrayValue, 5)).id())
                .isNotEqualTo(fingerprintOf(recursion(List.of(), 0)).id());
    }

    @Test
    void shouldFingerprintAVeryDeepRecursionLikeAShallowOne() {
        List<Frame> exprTermFactor = List.of(app("com.acme.calc.Expr", "parse", 10), app("com.acme.calc.Term", "parse", 20),
                app("com.acme.calc.Factor", "parse", 30));
        List<Frame> deep = recursion(exprTermFactor, 834);
        assertThat(deep).hasSizeGreaterThan(5_000);

        // a hang stopper, not a benchmark: the fingerprinter runs on every event
        Fingerprint fingerprint = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> fingerprintOf(deep));
        assertThat(fingerprint).isEqualTo(fingerprintOf(recursion(exprTermFactor, 2)));
    }

    @Test
    void shouldNormaliseAMessageOfThousandsOfDottedNamesOnASmallStack() throws Exception {
        // found by FingerprinterFuzzTest: the email and host:port patterns took a stack frame per dotted name, so a
        // message within the 4,096-char limit overflowed a default 1 MB stack while the pattern code ran interpreted
        List<String> messages = List.of("x@" + "a.".repeat(2_046) + "a", "a.".repeat(2_045) + "a:1");
        List<String> normalised = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread smallStack = new Thread(null, () -> {
            try {
                messages.forEach(m -> normalised.add(Normalizer.message(m)));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "small-stack", 256 * 1024);

        smallStack.start();
        smallStack.join();

        assertThat(failure.get()).isNull();
        assertThat(normalised).containsExactly("<email>", "<host:port>");
    }

    @Test
    void shouldNormaliseNamesThatStandForIdsInRoutes() {
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put("/users/alice", "/users/{id}");
        routes.put("/users/alice/orders", "/users/{id}/orders");
        routes.put("/users/charles/orders/spring-sale", "/users/{id}/orders/{id}");
        routes.put("/order-items/blue-shirt", "/order-items/{id}");
        routes.put("/users/new", "/users/new");
        routes.put("/users/Search", "/users/Search");
        routes.put("/users/me/settings", "/users/me/settings");
        routes.put("/api/search", "/api/search");
        routes.put("/api/getUserProfileById", "/api/getUserProfileById");
        routes.put("/users/{userId}/orders", "/users/{id}/orders");
        routes.put("/access/logs", "/access/logs");
        routes.put("/unsubscribe/alice@example.com", "/unsubscribe/{id}");
        routes.put("/wiki/%CE%BB", "/wiki/{id}");
        routes.put("/wiki/caf\u00e9", "/wiki/caf\u00e9");
        routes.put("/blog/how-to-configure-kafka-streams-for-production", "/blog/{id}");
        routes.put("/reset/kTqPzRwLmXbVnYcHdJ", "/reset/{id}");
        routes.put("/api/v2/users", "/api/{id}/users");
        routes.put("https://shop.example/users/bob?tab=orders", "/users/{id}");

        routes.forEach((url, route) -> assertThat(Normalizer.route(url)).as(url).contains(route));
    }
}
