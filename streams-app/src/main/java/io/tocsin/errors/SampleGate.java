package io.tocsin.errors;

import io.tocsin.common.OncePerInterval;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import java.util.List;

/**
 * Decides which events go on whole as their group's sample: the first of a fingerprint this task sees, then one per
 * {@code interval} of event time. The rest are cut to what an alert quotes before they are repartitioned, so the
 * stack traces that make up most of an event's bytes are written once a minute per group, not once per occurrence.
 *
 * <p>One gate per task, in memory only: losing it (a restart, a rebalance) only sends the next event of each group
 * whole again. Bounded to {@code capacity} fingerprints, least recently seen forgotten first.
 */
public final class SampleGate {

    /** In-app frames an alert quotes, so all a cut event keeps of its trace. */
    public static final int FRAMES_QUOTED = 3;

    private final OncePerInterval samples;

    public SampleGate(long intervalMs, int capacity) {
        this.samples = new OncePerInterval(intervalMs, capacity);
    }

    /** Whether the event of {@code fingerprint} at event time {@code at} should go whole, as the group's sample. */
    public boolean sample(String fingerprint, long at) {
        return samples.due(fingerprint, at);
    }

    /** The event with only what the throttle and an alert use: no cause chain, no frames beyond those quoted. */
    public static ExceptionEvent cut(ExceptionEvent e) {
        ExceptionInfo x = e.exception();
        List<Frame> quoted = x.frames().stream().filter(Frame::inApp).limit(FRAMES_QUOTED).toList();
        return new ExceptionEvent(e.type(), e.version(), e.id(), e.timestamp(), e.service(), e.instance(), e.environment(),
                e.category(), new ExceptionInfo(x.type(), x.message(), quoted, null), e.request(), e.tags(), null, e.count());
    }
}
