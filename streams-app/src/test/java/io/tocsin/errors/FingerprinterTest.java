package io.tocsin.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.RequestInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprinterTest {

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

        assertThat(a).isEqualTo(b).startsWith("v1-");
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
}
