package io.tocsin.bench;

import io.sentry.Sentry;
import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.TocsinAgent;
import io.tocsin.app.TopicProvisioner;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Caller-thread cost of reporting one exception with a 40-frame stack: Tocsin's {@code capture} with the broker up
 * (embedded) and down (nothing listening), beside the Sentry Java SDK's {@code captureException} pointed at a dead
 * endpoint. Sample-time mode gives percentiles. Run with {@code bench/jmh.sh streams-app Capture}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class CaptureBenchmark {

    @Param({"down", "up"})
    public String broker;

    private EmbeddedKafkaBroker kafka;
    private TocsinAgent agent;
    private Throwable error;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String bootstrap;
        if (broker.equals("up")) {
            kafka = EmbeddedKafkaBroker.startOnFreePort();
            TopicProvisioner.ensure(AppConfig.fromMap(Map.of("bootstrap.servers", kafka.bootstrapServers())));
            bootstrap = kafka.bootstrapServers();
        } else {
            bootstrap = "127.0.0.1:" + EmbeddedKafkaBroker.freePort();
        }
        agent = TocsinAgent.start(AgentConfig.load(Map.of("service", "bench", "environment", "bench", "bootstrap.servers", bootstrap,
                "spool.dir", Files.createTempDirectory("tocsin-bench-spool-").toString()), new Properties(), Map.of()));
        Sentry.init(o -> {
            o.setDsn("http://0123456789abcdef0123456789abcdef@127.0.0.1:1/1");
            o.setEnableUncaughtExceptionHandler(false);
        });
        error = deep(40);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        agent.close();
        Sentry.close();
        if (kafka != null) {
            kafka.close();
        }
    }

    @Benchmark
    public void tocsinCapture() {
        agent.capture(error);
    }

    @Benchmark
    public void sentryCaptureException() {
        Sentry.captureException(error);
    }

    /** An exception thrown 40 frames deep. */
    static Throwable deep(int frames) {
        try {
            recurse(frames - 2);
            throw new AssertionError("unreachable");
        } catch (IllegalStateException e) {
            return e;
        }
    }

    private static void recurse(int n) {
        if (n <= 0) {
            throw new IllegalStateException("order 123 not found");
        }
        recurse(n - 1);
    }
}
