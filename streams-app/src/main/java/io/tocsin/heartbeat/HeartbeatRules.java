package io.tocsin.heartbeat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;

/**
 * How silence is judged.
 *
 * @param timeout         default silence before an instance is down
 * @param serviceTimeouts per-service overrides of {@code timeout}
 * @param checkInterval   how often every instance is checked
 * @param clock           wall clock in live mode; stream time when replaying recorded input
 * @param groupMin        this many instances of one service down within {@code groupWait} make one SERVICE_DOWN
 * @param groupWait       how long a fresh outage waits for others of its service before it is announced
 * @param flapCount       more downs than this within {@code flapWindow} is flapping, reported once
 * @param flapWindow      see {@code flapCount}; also how long an instance must be stable to stop flapping
 * @param retention       how long a down or stopped instance is remembered before it is dropped
 * @param registryRefresh a heartbeat that changes only the last heartbeat time and load figures is published on the
 *                        registry topic at most this often per instance; zero publishes every one
 */
public record HeartbeatRules(
        Duration timeout,
        Map<String, Duration> serviceTimeouts,
        Duration checkInterval,
        PunctuationType clock,
        int groupMin,
        Duration groupWait,
        int flapCount,
        Duration flapWindow,
        Duration retention,
        Duration registryRefresh) {

    public HeartbeatRules {
        serviceTimeouts = Map.copyOf(serviceTimeouts);
    }

    /** max(timeout of the service, 2 × interval + 1 s): a probe every 60 s is not down between probes. */
    public long timeoutMs(String service, long intervalMs) {
        return Math.max(serviceTimeouts.getOrDefault(service, timeout).toMillis(), 2 * intervalMs + 1000);
    }
}
