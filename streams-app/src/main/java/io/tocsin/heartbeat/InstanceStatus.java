package io.tocsin.heartbeat;

public enum InstanceStatus {
    UP,
    DOWN,
    STOPPED
}
