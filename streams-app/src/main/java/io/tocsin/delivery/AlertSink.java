package io.tocsin.delivery;

import io.tocsin.model.Alert;
import java.util.List;

/** Where a route's alerts go: a Slack webhook, a Slack channel through a bot token, or the console. */
public interface AlertSink {

    /**
     * One attempt to deliver one message carrying these alerts (one alert normally; several when a route is behind).
     * Never throws for a delivery problem; it reports it in the result.
     */
    DeliveryResult deliver(List<Alert> alerts);

    /** Names the destination in logs without revealing secrets. */
    String describe();
}
