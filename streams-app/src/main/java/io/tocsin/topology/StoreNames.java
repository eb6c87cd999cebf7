package io.tocsin.topology;

import io.tocsin.errors.ErrorThrottleProcessor;

/**
 * The names of the topology's state stores and repartition steps, declared once: {@link AlertTopology} builds the
 * graph with them and the HTTP API queries the stores by them. Kafka Streams prefixes internal topics with the
 * application id ({@code <application.id>-<name>-repartition}, {@code …-changelog}).
 */
public final class StoreNames {

    public static final ErrorThrottleProcessor.Stores ERRORS =
            new ErrorThrottleProcessor.Stores("error-groups", "error-samples", "error-groups-by-service", "error-timers", "error-event-ids");
    public static final String INSTANCES = "instances";
    /** The heartbeat monitor's deadlines and groupings, so a tick reads only the instances due (see InstanceIndex). */
    public static final String INSTANCE_INDEX = "instance-index";
    public static final String SILENCES = "silences";
    public static final String ALERT_STATES = "alert-states";
    public static final String POSTED_OUTAGES = "posted-outages";
    /** Each alert key's recent alerts with their delivery state (see AlertHistory). */
    public static final String ALERT_HISTORY = "alert-history";
    public static final String ERRORS_BY_FINGERPRINT = "errors-by-fingerprint";
    public static final String HEARTBEATS_BY_SERVICE = "heartbeats-by-service";
    public static final String PROBE_FAILURES_BY_SERVICE = "probe-failures-by-service";
    /** The processor that judges heartbeats (readiness looks up its input topic by it). */
    public static final String HEARTBEAT_MONITOR = "heartbeat-monitor";

    private StoreNames() {
    }

    /** The topic Kafka Streams makes for a repartition step. */
    public static String repartitionTopic(String applicationId, String step) {
        return applicationId + "-" + step + "-repartition";
    }
}
