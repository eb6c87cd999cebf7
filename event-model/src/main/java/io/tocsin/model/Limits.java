package io.tocsin.model;

import java.util.List;

/**
 * What one exception event may carry, for the agent that builds events and the app that bounds what others send:
 * oversize parts are cut with a visible marker of type {@link #TRUNCATED_TYPE} that says how much was cut, so an
 * absurd event (a 10 MB message, 50,000 frames, a 1,000-deep cause chain) is still grouped and alerted, cheaply.
 */
public final class Limits {

    /** Exceptions kept per event, the top one included; the rest become one marker cause. */
    public static final int MAX_CAUSE_DEPTH = 16;
    /** Frames kept per exception; the rest become one marker frame. */
    public static final int MAX_FRAMES = 200;
    public static final int MAX_MESSAGE_CHARS = 4096;
    public static final String TRUNCATED_TYPE = "tocsin.truncated";

    private Limits() {
    }

    /** The frame standing for {@code more} frames cut off the end of a trace. */
    public static Frame moreFrames(int more) {
        return new Frame(TRUNCATED_TYPE, more + " more frames", null, null, false);
    }

    /** The message of the cause standing for {@code more} causes cut off the end of a chain. */
    public static String moreCausesMessage(int more) {
        return "[" + more + " more causes truncated]";
    }

    /** The cause standing for {@code more} causes cut off the end of a chain. */
    public static ExceptionInfo moreCauses(int more) {
        return new ExceptionInfo(TRUNCATED_TYPE, moreCausesMessage(more), List.of(), null);
    }
}
