package io.tocsin.agent;

import java.util.Map;

/** The agent's counters over JMX, as {@code io.tocsin:type=Agent,service=<service>,instance=<instance>}. */
public interface AgentMBean {
    long getCaptured();

    long getSpooled();

    long getSent();

    long getReplayed();

    long getAggregated();

    long getDroppedTotal();

    Map<String, Long> getDroppedByReason();

    long getSpoolBytes();

    boolean isKafkaReachable();

    long getUnreachableForMillis();
}
