package io.tocsin.testing;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Runs {@link ScaledTimeout}: interrupts a test that outlives its scaled limit, then fails it with both numbers. */
final class ScaledTimeoutExtension implements InvocationInterceptor {

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        Optional<ScaledTimeout> spec = AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), ScaledTimeout.class)
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), ScaledTimeout.class));
        if (spec.isEmpty()) {
            invocation.proceed();
            return;
        }
        Duration limit = Slowness.scale(Duration.ofSeconds(spec.get().seconds()));
        Thread testThread = Thread.currentThread();
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaled-timeout");
            t.setDaemon(true);
            return t;
        });
        ScheduledFuture<?> alarm = timer.schedule(() -> {
            fired.set(true);
            testThread.interrupt();
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
            invocation.proceed();
        } catch (Throwable t) {
            throw fired.get() ? timedOut(spec.get(), limit, t) : t;
        } finally {
            alarm.cancel(false);
            timer.shutdownNow();
            if (fired.get()) {
                Thread.interrupted(); // leave no interrupt behind for the next test
            }
        }
        if (fired.get()) {
            throw timedOut(spec.get(), limit, null);
        }
    }

    private static AssertionError timedOut(ScaledTimeout spec, Duration limit, Throwable cause) {
        return new AssertionError(String.format(Locale.ROOT, "test timed out after %d s (%d s x slowness %.1f)",
                limit.toSeconds(), spec.seconds(), Slowness.factor()), cause);
    }
}
