package io.tocsin.delivery;

import io.tocsin.model.Alert;

/** Where alerts go: a Slack webhook, a Slack channel through a bot token, or the console. */
public interface AlertSink {

    /** One attempt; never throws for a delivery problem, it reports it in the result. */
    DeliveryResult deliver(Alert alert);

    /** Names the destination in logs without revealing secrets. */
    String describe();
}
