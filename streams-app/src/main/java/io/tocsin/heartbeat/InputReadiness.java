package io.tocsin.heartbeat;

/**
 * Whether a task has caught up with its heartbeat input. Until it has, silence in the store may only be backlog not
 * yet read, and a down verdict would be a false alarm.
 */
@FunctionalInterface
public interface InputReadiness {

    /** Ready as soon as asked: for TopologyTestDriver and replay, where input is fed synchronously. */
    InputReadiness ALWAYS = partition -> true;

    boolean caughtUp(int heartbeatPartition);
}
