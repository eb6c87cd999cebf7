package io.tocsin.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Waiting in tests, scaled by {@link Slowness}: every bound is written as what a quiet machine needs and stretched
 * by the factor, so a loaded machine waits longer instead of failing. Awaitility returns as soon as the condition
 * holds, so a generous bound costs nothing when things go well.
 */
public final class Waits {

    private static final Duration POLL = Duration.ofMillis(100);

    private Waits() {
    }

    /** Awaitility with a named alias and a limit of {@code quietMachine} × the slowness factor. */
    public static ConditionFactory await(String alias, Duration quietMachine) {
        return Awaitility.await(alias).atMost(Slowness.scale(quietMachine)).pollInterval(POLL).pollDelay(Duration.ZERO);
    }

    /**
     * Lets time pass, scaled: for tests where elapsed time itself is the condition (e.g. "nothing more arrives",
     * "the app stayed away longer than the timeout"), never to wait for a result.
     */
    public static void letTimePass(Duration quietMachine) {
        sleep(Slowness.scale(quietMachine));
    }

    /** Waits for a child process to exit, at most {@code quietMachine} × the factor; true if it did. */
    public static boolean exited(Process process, Duration quietMachine) throws InterruptedException {
        return process.waitFor(Slowness.scale(quietMachine).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code quietMachine} × the factor as a config value the apps parse ({@code 7500ms}). */
    public static String configDuration(Duration quietMachine) {
        return Slowness.scale(quietMachine).toMillis() + "ms";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while letting time pass", e);
        }
    }
}
