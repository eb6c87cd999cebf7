package io.tocsin.history;

/** Where an alert stands with its route, as the console shows it. */
public enum DeliveryState {
    /** Read from the alerts topic, waiting for its route's turn. */
    WAITING,
    /** The route did not take it yet (Slack down, rate-limited): it is tried again. */
    RETRYING,
    DELIVERED,
    /** Kept out of Slack by a silence, a maintenance window or an inhibition ({@code silencedBy} says which). */
    SILENCED,
    /** The route refused it for good; it is on {@code tocsin.alerts-undelivered} with the reason. */
    REFUSED;

    /** A settled fate is never overwritten by a late word that the alert still waits (a peer's, after a rebalance). */
    public boolean settled() {
        return this == DELIVERED || this == SILENCED || this == REFUSED;
    }
}
