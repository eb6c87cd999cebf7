package io.tocsin.delivery;

import io.tocsin.model.Alert;
import java.io.PrintStream;
import java.util.List;

/** Prints each alert as one readable line: the destination when no Slack is configured (and in the demo). */
public final class ConsoleSink implements AlertSink {

    private final PrintStream out;

    public ConsoleSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public DeliveryResult deliver(List<Alert> alerts) {
        alerts.forEach(this::print);
        return DeliveryResult.delivered();
    }

    private void print(Alert alert) {
        StringBuilder line = new StringBuilder("ALERT ").append(alert.kind())
                .append(' ').append(alert.service()).append('/').append(alert.environment());
        if (alert.instance() != null) {
            line.append(" instance=").append(alert.instance());
        }
        if (alert.occurrence() != null) {
            line.append(" occurrence=").append(alert.occurrence()).append('/').append(alert.limit());
        }
        line.append(" | ").append(oneLine(alert.title())).append(" | tocsin:").append(alert.id());
        out.println(line);
        out.flush();
    }

    @Override
    public String describe() {
        return "console";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
    }
}
