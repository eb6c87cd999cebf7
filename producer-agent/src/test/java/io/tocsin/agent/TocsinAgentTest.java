package io.tocsin.agent;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Limits;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TocsinAgentTest {

    @TempDir
    Path spoolDir;

    private AgentConfig config(String bootstrap, int queue) {
        return AgentConfig.load(Map.of("service", "host-app", "environment", "test", "bootstrap.servers", bootstrap,
                "queue.capacity", String.valueOf(queue), "spool.dir", spoolDir.toString()), new Properties(), Map.of());
    }

    @Test
    @ScaledTimeout(seconds = 60)
    void shouldStartCaptureAndCloseWhenTheBootstrapHostDoesNotResolve() {
        TocsinAgent agent = TocsinAgent.start(config("no-such-host.invalid:9092", 100));
        for (int i = 0; i < 1000; i++) {
            agent.capture(new IllegalStateException("boom " + i));
        }
        long t0 = System.nanoTime();
        agent.close();

        // close waits at most 2.5 s for its thread by design; 20 s (scaled) is an order of magnitude above that, so this
        // fails only if an unresolvable host could hang the host's shutdown
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Slowness.scale(Duration.ofSeconds(20)));
        assertThat(agent.counters().getCaptured()).isEqualTo(1000);
        assertThat(agent.counters().getSent()).isZero();
        assertThat(agent.counters().getSpooled()).as("kept on disk for later").isPositive();
        assertThat(agent.counters().getDroppedTotal()).isZero();
    }

    @Test
    @ScaledTimeout(seconds = 60)
    void shouldSpillAStormThatOutrunsTheQueueIntoCountsRatherThanWaitOrLose() {
        TocsinAgent agent = TocsinAgent.start(config("127.0.0.1:1", 10));
        try {
            for (int i = 0; i < 100_000; i++) {
                agent.capture(new IllegalStateException("storm"));
            }

            assertThat(agent.counters().getCaptured()).isEqualTo(100_000);
            assertThat(agent.counters().getDroppedTotal()).isZero();
            await("folded into counts", Duration.ofSeconds(10)).until(() -> agent.counters().getAggregated() > 90_000);
        } finally {
            agent.close();
        }
    }

    @Test
    void shouldFallBackToMemoryWhenTheSpoolDirectoryIsUnusable() throws Exception {
        Path notADirectory = Files.writeString(spoolDir.resolve("a-file"), "x");
        TocsinAgent agent = TocsinAgent.start(config("127.0.0.1:1", 100).with("spool.dir", notADirectory.resolve("spool").toString()));
        try {
            agent.capture(new IllegalStateException("still captured"));
            await("spooled in memory", Duration.ofSeconds(5)).until(() -> agent.counters().getSpooled() == 1);
            assertThat(agent.counters().getDroppedByReason()).containsEntry("spool-disk-failed", 1L);
        } finally {
            agent.close();
        }
    }

    @Test
    void shouldPublishItsCountersOnThePlatformMBeanServer() throws Exception {
        TocsinAgent agent = TocsinAgent.start(config("127.0.0.1:1", 10));
        try {
            agent.capture(new IllegalStateException("counted"));
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("io.tocsin:type=Agent,service=\"host-app\",instance=" + ObjectName.quote(agent.config().instance()));

            assertThat(jmx.getAttribute(name, "Captured")).isEqualTo(1L);
            assertThat(jmx.getAttribute(name, "KafkaReachable")).isIn(true, false);
            assertThat(jmx.getAttribute(name, "DroppedTotal")).isEqualTo(0L);
        } finally {
            agent.close();
        }
    }

    @Test
    void aThrowableWhoseOwnMethodsThrowIsDroppedAndCountedWhileReportingGoesOn() {
        TocsinAgent agent = TocsinAgent.start(config("127.0.0.1:1", 10));
        try {
            agent.capture(new IllegalStateException("hostile") {
                @Override
                public StackTraceElement[] getStackTrace() {
                    throw new UnsupportedOperationException("no trace for you");
                }
            });
            agent.capture(new IllegalStateException("ordinary"));

            await("the ordinary one spooled", Duration.ofSeconds(10)).until(() -> agent.counters().getSpooled() == 1);
            assertThat(agent.counters().getDroppedByReason()).containsEntry("unreadable-throwable", 1L);
        } finally {
            agent.close();
        }
    }

    @Test
    void shouldNeverThrowIntoTheCaller() {
        TocsinAgent agent = TocsinAgent.start(config("127.0.0.1:1", 10));
        try {
            agent.capture(null);
            agent.capture(new RuntimeException() {
                @Override
                public String getMessage() {
                    throw new IllegalStateException("hostile getMessage");
                }
            });
            agent.loadFigure("broken", () -> {
                throw new IllegalStateException("hostile load figure");
            });
        } finally {
            agent.close();
        }
        assertThat(agent.counters().getCaptured()).isEqualTo(1);
    }

    @Test
    void shouldCutFramesAndCausesBeyondTheSharedLimitsWithMarkersThatCountWhatWasCut() {
        EventFactory events = new EventFactory(config("127.0.0.1:1", 10));
        RuntimeException top = new RuntimeException("level 0");
        StackTraceElement[] deep = new StackTraceElement[Limits.MAX_FRAMES + 56];
        Arrays.fill(deep, new StackTraceElement("com.acme.Deep", "call", "Deep.java", 1));
        top.setStackTrace(deep);
        Throwable chain = top;
        for (int i = 1; i < Limits.MAX_CAUSE_DEPTH + 5; i++) {
            Throwable next = new IllegalStateException("level " + i);
            chain.initCause(next);
            chain = next;
        }

        ExceptionInfo info = events.exception(top, Capture.NONE, 0, 1).exception();

        assertThat(info.frames()).hasSize(Limits.MAX_FRAMES + 1);
        assertThat(info.frames().get(Limits.MAX_FRAMES)).isEqualTo(Limits.moreFrames(56));
        ExceptionInfo last = info;
        for (int depth = 1; depth < Limits.MAX_CAUSE_DEPTH; depth++) {
            last = last.cause();
            assertThat(last.message()).isEqualTo("level " + depth);
        }
        assertThat(last.cause()).isEqualTo(Limits.moreCauses(5));
    }

    @Test
    void shouldMarkFramesInAppByPackagePrefix() {
        EventFactory events = new EventFactory(config("127.0.0.1:1", 10).withInAppPackages(List.of("io.tocsin.agent")));
        IllegalStateException cause = new IllegalStateException("inner");
        RuntimeException outer = new RuntimeException("outer", cause);
        cause.initCause(null);

        var event = events.exception(outer, Capture.request("GET", "/orders/1").withCategory("BUSINESS"), 0, 1);

        assertThat(event.exception().frames().get(0).inApp()).isTrue();
        assertThat(event.exception().frames()).anyMatch(f -> !f.inApp());
        assertThat(event.exception().cause().type()).isEqualTo(IllegalStateException.class.getName());
        assertThat(event.request().url()).isEqualTo("/orders/1");
        assertThat(event.category()).isEqualTo("BUSINESS");
    }
}
