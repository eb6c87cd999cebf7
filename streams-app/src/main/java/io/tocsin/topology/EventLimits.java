package io.tocsin.topology;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds on what one exception event may carry downstream (the cause chain is already cut by {@link EventCodec} while
 * parsing, before anything recursive walks it). Oversize parts are cut with a visible marker, so an
 * absurd event (a 10 MB message, 50,000 frames, a 1,000-deep cause chain) is still grouped and alerted, cheaply.
 */
public final class EventLimits {

    public static final int MAX_MESSAGE_CHARS = 4096;
    public static final int MAX_FRAMES = 200;
    static final String TRUNCATED_CLASS = EventCodec.TRUNCATED_TYPE;

    private EventLimits() {
    }

    public static ExceptionEvent bound(ExceptionEvent e) {
        ExceptionInfo bounded = bound(e.exception());
        if (bounded == e.exception()) {
            return e;
        }
        return new ExceptionEvent(e.type(), e.version(), e.id(), e.timestamp(), e.service(), e.instance(), e.environment(),
                e.category(), bounded, e.request(), e.tags(), e.fingerprint(), e.count());
    }

    private static ExceptionInfo bound(ExceptionInfo x) {
        if (x == null) {
            return null;
        }
        ExceptionInfo cause = bound(x.cause());
        String message = x.message();
        boolean longMessage = message != null && message.length() > MAX_MESSAGE_CHARS;
        boolean manyFrames = x.frames().size() > MAX_FRAMES;
        if (!longMessage && !manyFrames && cause == x.cause()) {
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
        return new ExceptionInfo(x.type(), message, frames, cause);
    }
}
