package io.tocsin.testing;

import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * How much slower this machine is right now than a quiet 2-core machine: the one factor every wait, sleep-based
 * window and timeout of the suite is multiplied by, so a busy machine makes the suite slower, never red. Correctness
 * assertions never use it: only how long we wait for them.
 *
 * <p>{@code -Dtocsin.test.slowness=3} fixes the factor; unset, blank or {@code auto}, it is measured once per test JVM
 * by a short CPU-bound calibration loop compared with the same loop on a quiet machine, and by the load average per
 * core, whichever says slower, clamped to [{@value #MIN}, {@value #MAX}].
 */
public final class Slowness {

    public static final String PROPERTY = "tocsin.test.slowness";
    static final double MIN = 1.0;
    static final double MAX = 10.0;
    /** Median time of one calibration round on a quiet 2-core machine of ours (measured 2026-11-26). */
    static final double QUIET_ROUND_MS = 4.7;
    private static final int ROUNDS = 9;

    private Slowness() {
    }

    /** The factor of this test JVM (measured on first use, printed once). */
    public static double factor() {
        return Resolved.FACTOR;
    }

    /** {@code quietMachine} times the factor. */
    public static Duration scale(Duration quietMachine) {
        return Duration.ofMillis(Math.round(quietMachine.toMillis() * factor()));
    }

    /** Parses a fixed factor; null when the property asks for calibration. */
    static Double parse(String value) {
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            double f = Double.parseDouble(value.strip());
            if (f >= MIN && f <= 100) {
                return f;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(PROPERTY + " must be 'auto' or a number from 1 to 100, was '" + value + "'");
    }

    static double clamp(double f) {
        return Math.max(MIN, Math.min(MAX, f));
    }

    private static final class Resolved {
        static final double FACTOR = resolve();

        private static double resolve() {
            Double fixed = parse(System.getProperty(PROPERTY));
            if (fixed != null) {
                report(String.format(Locale.ROOT, "%.1f (set by -D%s)", fixed, PROPERTY));
                return fixed;
            }
            double cpu = calibrationRoundMs() / QUIET_ROUND_MS;
            int cores = Runtime.getRuntime().availableProcessors();
            double load = Math.max(0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()) / cores;
            double f = clamp(Math.max(cpu, load));
            report(String.format(Locale.ROOT, "%.1f (calibrated: cpu loop %.1fx a quiet machine, load average %.1f per core;"
                    + " set -D%s to fix it)", f, cpu, load, PROPERTY));
            return f;
        }

        private static void report(String text) {
            System.out.println("[tocsin-test] slowness factor " + text);
        }
    }

    /** Median wall time of a fixed SHA-256 workload, after a warm-up so the JIT is not what we measure. */
    static double calibrationRoundMs() {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) 7);
        for (int i = 0; i < 20; i++) {
            round(block);
        }
        double[] ms = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            round(block);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ROUNDS / 2];
    }

    private static byte[] round(byte[] block) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] out = block;
            for (int i = 0; i < 64; i++) {
                sha.update(block);
                out = sha.digest(out);
            }
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
