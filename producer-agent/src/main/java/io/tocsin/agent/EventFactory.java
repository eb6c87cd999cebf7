package io.tocsin.agent;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Limits;
import io.tocsin.model.RequestInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Turns captured throwables and load figures into wire events. Runs on the agent's thread, never the caller's. */
final class EventFactory {


    private final AgentConfig config;

    EventFactory(AgentConfig config) {
        this.config = config;
    }

    ExceptionEvent exception(Throwable t, Capture capture, long capturedAt) {
        return exception(t, capture, capturedAt, 1);
    }

    /** An event standing for {@code count} occurrences (storm control folds identical ones). */
    ExceptionEvent exception(Throwable t, Capture capture, long capturedAt, long count) {
        RequestInfo request = capture.requestUrl() == null && capture.requestMethod() == null
                ? null : new RequestInfo(capture.requestMethod(), capture.requestUrl());
        return new ExceptionEvent(ExceptionEvent.TYPE, EventCodec.VERSION, UUID.randomUUID().toString(),
                Instant.ofEpochMilli(capturedAt), config.service(), config.instance(), config.environment(),
                capture.category() == null ? "RUNTIME" : capture.category(), info(t, Collections.newSetFromMap(new IdentityHashMap<>()), 0),
                request, capture.tags(), null, count);
    }

    HeartbeatEvent heartbeat(HeartbeatEvent.Status status, Map<String, Double> load, Map<String, Long> agent, long at) {
        return new HeartbeatEvent(HeartbeatEvent.TYPE, EventCodec.VERSION, Instant.ofEpochMilli(at), config.service(),
                config.instance(), config.environment(), config.address(), config.heartbeatInterval().toMillis(), status, load,
                agent);
    }

    /** The chain within {@link Limits}: exception {@code depth} (0 = the top one) and its causes. */
    private ExceptionInfo info(Throwable t, Set<Throwable> seen, int depth) {
        seen.add(t);
        Throwable cause = t.getCause();
        ExceptionInfo causeInfo = null;
        if (cause != null && !seen.contains(cause)) {
            causeInfo = depth + 1 < Limits.MAX_CAUSE_DEPTH ? info(cause, seen, depth + 1) : Limits.moreCauses(remaining(cause, seen));
        }
        return new ExceptionInfo(t.getClass().getName(), safeMessage(t), frames(t.getStackTrace()), causeInfo);
    }

    private static int remaining(Throwable cause, Set<Throwable> seen) {
        int n = 0;
        for (Throwable c = cause; c != null && seen.add(c); c = c.getCause()) {
            n++;
        }
        return n;
    }

    private List<Frame> frames(StackTraceElement[] trace) {
        int kept = Math.min(trace.length, Limits.MAX_FRAMES);
        List<Frame> frames = new ArrayList<>(kept + 1);
        for (int i = 0; i < kept; i++) {
            frames.add(Frame.of(trace[i], isInApp(trace[i].getClassName())));
        }
        if (trace.length > kept) {
            frames.add(Limits.moreFrames(trace.length - kept));
        }
        return frames;
    }

    boolean isInApp(String className) {
        for (String prefix : config.inAppPackages()) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** getMessage() is user code and may throw; the agent must not. */
    private static String safeMessage(Throwable t) {
        try {
            return t.getMessage();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
