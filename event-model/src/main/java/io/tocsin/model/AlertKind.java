package io.tocsin.model;

public enum AlertKind {
    ERROR,
    ERROR_DIGEST,
    INSTANCE_DOWN,
    INSTANCE_UP,
    SERVICE_DOWN,
    SERVICE_UP
}
