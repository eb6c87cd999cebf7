package io.tocsin.routing;

import io.tocsin.model.AlertKind;

/** How urgent an alert kind is, for routing (e.g. page the on-call group for critical ones only). */
public enum Severity {
    CRITICAL,
    ERROR,
    WARNING,
    INFO;

    public static Severity of(AlertKind kind) {
        return switch (kind) {
            case INSTANCE_DOWN, SERVICE_DOWN -> CRITICAL;
            case ERROR -> ERROR;
            case ERROR_DIGEST, INSTANCE_FLAPPING -> WARNING;
            case INSTANCE_UP, SERVICE_UP, CANARY -> INFO;
        };
    }
}
