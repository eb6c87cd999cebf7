package io.tocsin.bench;

import io.tocsin.errors.Fingerprinter;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.RequestInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of fingerprinting one typical event: a 40-frame Spring-style trace (12 in-app frames, CGLIB proxies,
 * reflection glue, a lambda) with a one-level cause and a request route. Run with {@code bench/jmh.sh Fingerprint}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FingerprintBenchmark {

    private final Fingerprinter fingerprinter = new Fingerprinter();
    private ExceptionEvent event;

    @Setup
    public void setUp() {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String cls = switch (i % 8) {
                case 0 -> "com.acme.orders.OrderService$$EnhancerBySpringCGLIB$$1a2b3c" + i;
                case 1 -> "jdk.internal.reflect.GeneratedMethodAccessor" + i;
                case 2 -> "org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor";
                case 3 -> "com.acme.orders.OrderController$$Lambda$" + i + "/0x0000000800c4b840";
                case 4 -> "org.springframework.web.servlet.DispatcherServlet";
                case 5 -> "com.acme.orders.OrderRepository" + i;
                case 6 -> "org.apache.catalina.core.ApplicationFilterChain";
                default -> "java.base.Thread";
            };
            frames.add(new Frame(cls, i % 8 == 3 ? "lambda$handle$" + i : "method" + i, "F.java", 10 + i,
                    cls.startsWith("com.acme")));
        }
        ExceptionInfo cause = new ExceptionInfo("java.sql.SQLTimeoutException", "timeout after 3000 ms on db-1.acme.internal:5432",
                frames.subList(0, 10), null);
        event = new ExceptionEvent("exception", 1, "id", Instant.EPOCH, "orders", "orders-1", "prod", "RUNTIME",
                new ExceptionInfo("java.lang.IllegalStateException", "order 123 not found for user 9f1c2d3e-1111-2222-3333-444455556666",
                        frames, cause), new RequestInfo("GET", "/orders/123?expand=items"), Map.of(), null, 1);
    }

    @Benchmark
    public String fingerprint40FrameTrace() {
        return fingerprinter.fingerprint(event).id();
    }
}
