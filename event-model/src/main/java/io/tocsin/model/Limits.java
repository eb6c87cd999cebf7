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
    /** Ids, service, instance, environment and address: longer ones are refused (they are keys, not text to cut). */
    public static final int MAX_NAME_CHARS = 256;
    /** Exception types, frame classes, methods and files, tag values, fingerprint parts: cut beyond this. */
    public static final int MAX_TEXT_CHARS = 512;
    public static final int MAX_URL_CHARS = 2048;
    public static final int MAX_TAGS = 32;
    public static final int MAX_FINGERPRINT_PARTS = 16;
    public static final int MAX_LOAD_FIGURES = 32;
    public static final int MAX_AGENT_COUNTERS = 64;
    /**
     * What one bounded exception event may weigh, encoded, at most: well under the 1 MiB a Kafka record may have by
     * default, because the topology writes each event again inside bigger records (the grouped error, the sample).
     */
    public static final int MAX_EVENT_BYTES = 192 * 1024;
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
