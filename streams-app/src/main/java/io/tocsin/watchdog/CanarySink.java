package io.tocsin.watchdog;

import io.tocsin.delivery.AlertSink;
import io.tocsin.delivery.DeliveryResult;
import io.tocsin.model.Alert;
import java.util.List;

/** The canary route's destination: the watchdog's clock, not Slack. */
public final class CanarySink implements AlertSink {

    private final CanaryClock clock;

    public CanarySink(CanaryClock clock) {
        this.clock = clock;
    }

    @Override
    public DeliveryResult deliver(List<Alert> alerts) {
        alerts.forEach(clock::delivered);
        return DeliveryResult.delivered();
    }

    @Override
    public String describe() {
        return "the watchdog (canaries are never posted)";
    }
}
