package io.tocsin.topology;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds on what one exception event may carry downstream. Oversize parts are cut with a visible marker, so an
 * absurd event (a 10 MB message, 50,000 frames, a 1,000-deep cause chain) is still grouped and alerted, cheaply.
 */
public final class EventLimits {

    public static final int MAX_MESSAGE_CHARS = 4096;
    public static final int MAX_FRAMES = 200;
    public static final int MAX_CAUSE_DEPTH = EventCodec.MAX_CAUSE_DEPTH;
    static final String TRUNCATED_CLASS = EventCodec.TRUNCATED_TYPE;

    private EventLimits() {
    }

    public static ExceptionEvent bound(ExceptionEvent e) {
        ExceptionInfo bounded = bound(e.exception(), 0);
        if (bounded == e.exception()) {
            return e;
        }
        return new ExceptionEvent(e.type(), e.version(), e.id(), e.timestamp(), e.service(), e.instance(), e.environment(),
                e.category(), bounded, e.request(), e.tags(), e.fingerprint(), e.count());
    }

    private static ExceptionInfo bound(ExceptionInfo x, int depth) {
        if (x == null) {
            return null;
        }
        ExceptionInfo cause = x.cause();
        ExceptionInfo boundedCause;
        if (cause != null && depth + 1 >= MAX_CAUSE_DEPTH) {
            boundedCause = new ExceptionInfo(TRUNCATED_CLASS, "[" + depthOf(cause) + " more causes truncated]", List.of(), null);
        } else {
            boundedCause = bound(cause, depth + 1);
        }
        String message = x.message();
        boolean longMessage = message != null && message.length() > MAX_MESSAGE_CHARS;
        boolean manyFrames = x.frames().size() > MAX_FRAMES;
        if (!longMessage && !manyFrames && boundedCause == cause) {
            return x;
        }
        if (longMessage) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "… [" + (message.length() - MAX_MESSAGE_CHARS) + " chars truncated]";
        }
        List<Frame> frames = x.frames();
        if (manyFrames) {
            frames = new ArrayList<>(frames.subList(0, MAX_FRAMES));
            frames.add(new Frame(TRUNCATED_CLASS, (x.frames().size() - MAX_FRAMES) + " more frames", null, null, false));
        }
        return new ExceptionInfo(x.type(), message, frames, boundedCause);
    }

    private static int depthOf(ExceptionInfo x) {
        int n = 0;
        for (ExceptionInfo c = x; c != null; c = c.cause()) {
            n++;
        }
        return n;
    }
}
