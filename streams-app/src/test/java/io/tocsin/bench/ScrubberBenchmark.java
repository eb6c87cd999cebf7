package io.tocsin.bench;

import io.tocsin.privacy.Scrubber;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of scrubbing one text with the default rules: a typical exception message, and 100 kB tokens without spaces
 * (a base64 blob, a dotted run) that make backtracking patterns quadratic. Run with {@code bench/jmh.sh Scrubber}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ScrubberBenchmark {

    @Param({"typical", "100kB-word", "100kB-dotted"})
    public String text;

    private final Scrubber scrubber = new Scrubber(List.of());
    private String input;

    @Setup
    public void setUp() {
        input = switch (text) {
            case "typical" -> "GET https://api.acme.example/orders/123?token=abc123 failed for bob@acme.com: Authorization: Bearer eyJhbGciOi.xyz";
            case "100kB-word" -> "x".repeat(100_000);
            default -> "a.".repeat(50_000);
        };
    }

    @Benchmark
    public String scrub() {
        return scrubber.scrub(input);
    }
}
