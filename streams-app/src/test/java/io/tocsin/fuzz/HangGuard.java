package io.tocsin.fuzz;

import io.tocsin.testing.Slowness;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs each fuzzed call on a worker thread and fails it when it takes longer than {@link #QUIET_MACHINE_BOUND}
 * (scaled by {@link Slowness}): an input that hangs the code, or makes it quadratic, fails its property instead of
 * stalling the build. The bound is three orders of magnitude above what one call needs (microseconds to a few
 * milliseconds), so a busy machine never trips it. The worker's stack is a quarter of a thread's default (1 MB, what
 * Kafka Streams' threads have): recursion that only fits a default stack once the JIT has shrunk its frames (code
 * not yet compiled takes several times more per call, as right after a start) fails here whatever the JIT did.
 */
public final class HangGuard implements AutoCloseable {

    public static final Duration QUIET_MACHINE_BOUND = Duration.ofSeconds(2);
    static final long STACK_BYTES = 256 * 1024;

    /** A call that may throw what the code under test throws. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    private final Duration bound = Slowness.scale(QUIET_MACHINE_BOUND);
    private ExecutorService worker = newWorker();
    private long calls;
    private long slowestNanos;

    /** The value of {@code call}, or what it threw, as it threw it; an {@link AssertionError} when it ran too long. */
    public <T> T run(Call<T> call) throws Exception {
        long start = System.nanoTime();
        Future<T> result = worker.submit(call::call);
        try {
            return result.get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandonWorker(result);
            throw new AssertionError("one call took longer than " + bound.toMillis() + " ms: a hang or a super-linear blow-up");
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        } finally {
            calls++;
            slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
        }
    }

    public long calls() {
        return calls;
    }

    public Duration slowest() {
        return Duration.ofNanos(slowestNanos);
    }

    public Duration bound() {
        return bound;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    /** The stuck thread is left behind (a daemon, interrupted); shrinking's next calls get a fresh one. */
    private void abandonWorker(Future<?> stuck) {
        stuck.cancel(true);
        worker.shutdownNow();
        worker = newWorker();
    }

    private static Exception rethrown(Throwable thrown) {
        if (thrown instanceof Error error) {
            throw error;
        }
        return (Exception) thrown;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(null, task, "fuzz-worker", STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
    }
}
