package io.tocsin.heartbeat;

import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.HeartbeatEvent;

/**
 * What the monitor hears about an instance: a heartbeat, or a failure its URL prober reported (so a down alert can
 * say why).
 */
public record HeartbeatSignal(HeartbeatEvent beat, String service, String instance, String failure) {


    public static HeartbeatSignal of(HeartbeatEvent beat) {
        return new HeartbeatSignal(beat, beat.service(), beat.instance(), null);
    }

    public static HeartbeatSignal failure(ExceptionEvent probeFailure) {
        String message = probeFailure.exception().message();
        return new HeartbeatSignal(null, probeFailure.service(), probeFailure.instance(),
                message == null ? probeFailure.exception().type() : message);
    }

    public String key() {
        return InstanceEntry.key(service, instance);
    }
}
