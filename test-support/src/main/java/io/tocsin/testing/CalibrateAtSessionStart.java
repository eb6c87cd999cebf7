package io.tocsin.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Measures the {@link Slowness} factor when a test JVM's session opens, before any test starts a broker or an agent
 * of its own, so the calibration sees the machine and not our own tests. Found through the service loader.
 */
public final class CalibrateAtSessionStart implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Slowness.factor();
    }
}
