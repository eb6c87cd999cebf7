package io.tocsin.topology;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.Limits;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies {@link Limits} to what others send, before anything downstream reads it (the cause chain is already cut by
 * {@link EventCodec} while parsing, before anything recursive walks it).
 */
public final class EventLimits {

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
        boolean longMessage = message != null && message.length() > Limits.MAX_MESSAGE_CHARS;
        boolean manyFrames = x.frames().size() > Limits.MAX_FRAMES;
        if (!longMessage && !manyFrames && cause == x.cause()) {
            return x;
        }
        if (longMessage) {
            message = message.substring(0, Limits.MAX_MESSAGE_CHARS) + "… [" + (message.length() - Limits.MAX_MESSAGE_CHARS) + " chars truncated]";
        }
        List<Frame> frames = x.frames();
        if (manyFrames) {
            frames = new ArrayList<>(frames.subList(0, Limits.MAX_FRAMES));
            frames.add(Limits.moreFrames(x.frames().size() - Limits.MAX_FRAMES));
        }
        return new ExceptionInfo(x.type(), message, frames, cause);
    }
}
