package io.tocsin.agent;

import java.util.concurrent.atomic.LongAdder;

/** What the agent did, for its own metrics and heartbeats. */
public final class AgentCounters {

    final LongAdder captured = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder droppedQueueFull = new LongAdder();
    final LongAdder droppedSendFailed = new LongAdder();

    public long captured() {
        return captured.sum();
    }

    public long sent() {
        return sent.sum();
    }

    public long droppedQueueFull() {
        return droppedQueueFull.sum();
    }

    public long droppedSendFailed() {
        return droppedSendFailed.sum();
    }
}
