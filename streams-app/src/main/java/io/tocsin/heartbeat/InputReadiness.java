package io.tocsin.heartbeat;

/**
 * Whether a task has caught up with its heartbeat input. Until it has, silence in the store may only be backlog not
 * yet read, and a down verdict would be a false alarm.
 */
@FunctionalInterface
public interface InputReadiness {

    /** Ready as soon as asked: for TopologyTestDriver and replay, where input is fed synchronously. */
    InputReadiness ALWAYS = partition -> true;

    /** Whether the task of this partition may judge silence now; asked on every wall-clock check. */
    boolean caughtUp(int heartbeatPartition);

    /**
     * Told the record time (broker append time) of every heartbeat the task processes, for a readiness that judges
     * by how far behind the wall clock that is. Ignored by default.
     */
    default void processed(int heartbeatPartition, long appendTimeMs) {
    }

    /**
     * The end of the latest stretch in which heartbeats may not have been able to reach Kafka at all (the app could not
     * reach the broker): silence is counted from then at the earliest. {@code Long.MIN_VALUE} when there was none.
     */
    default long unobservedUntil() {
        return Long.MIN_VALUE;
    }

    /** Told when the task of this partition starts (again): whatever was known of the partition may be stale. */
    default void started(int heartbeatPartition) {
    }
}
