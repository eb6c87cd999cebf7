package io.tocsin.model;

public enum AlertKind {
    ERROR,
    ERROR_DIGEST,
    INSTANCE_DOWN,
    INSTANCE_UP,
    SERVICE_DOWN,
    SERVICE_UP,
    /** An instance that keeps going down and up, reported once instead of as a storm. */
    INSTANCE_FLAPPING,
    /** Tocsin's own synthetic round trip, for its watchdog: counted as delivered, never posted. */
    CANARY
}
