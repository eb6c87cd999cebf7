package io.tocsin.fuzz;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * What every fuzz property shares (register with {@code @AddLifecycleHook(FuzzLifecycle.class)}): a fixed seed, so
 * CI runs the same inputs every time, unless {@code -Dtocsin.fuzz.seed=N} picks another or {@code =random} lets jqwik
 * draw one (it prints the seed of a failure); and, per property, one {@code [figure]} line with the calls run and the
 * slowest, read from the test instance's {@link HangGuard}, which is closed afterwards. How many tries: jqwik's own
 * {@code jqwik.tries.default} ({@code src/test/resources/junit-platform.properties}, or {@code -D} to run longer).
 */
public final class FuzzLifecycle implements AroundPropertyHook {

    public static final String SEED_PROPERTY = "tocsin.fuzz.seed";
    static final String CI_SEED = "20261126";

    /** A fuzz test class: the guard its calls run under. */
    public interface Guarded {
        HangGuard guard();
    }

    /** Registered on a test class, the hook applies to each of its properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) throws Throwable {
        String seed = System.getProperty(SEED_PROPERTY, CI_SEED).strip();
        if (!seed.equalsIgnoreCase("random") && context.attributes().seed().isEmpty()) {
            context.attributes().setSeed(seed);
        }
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        PropertyExecutionResult result = property.execute();
        if (context.testInstance() instanceof Guarded guarded) {
            report(context, result, guarded.guard(), System.nanoTime() - start, processCpuNanos() - cpuStart);
        }
        return result;
    }

    /** Wall time says how busy the machine was; CPU time (all threads: generation, calls, GC, JIT) what the property costs. */
    private static void report(PropertyLifecycleContext context, PropertyExecutionResult result, HangGuard guard, long nanos, long cpuNanos) {
        guard.close();
        System.out.printf(Locale.ROOT, "[figure] fuzz %s.%s: %d tries, %d calls in %d ms (%d ms CPU), slowest call %.1f ms (bound %d ms), seed %s%n",
                context.containerClass().getSimpleName(), context.label(), result.countTries(), guard.calls(), nanos / 1_000_000,
                cpuNanos / 1_000_000, guard.slowest().toNanos() / 1e6, guard.bound().toMillis(), result.seed().orElse("?"));
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }
}
