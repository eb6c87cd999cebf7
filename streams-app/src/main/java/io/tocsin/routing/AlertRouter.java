package io.tocsin.routing;

import io.tocsin.metrics.Counters;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.Keys;
import io.tocsin.model.Suppression;
import io.tocsin.privacy.Scrubber;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The last step before {@code tocsin.alerts}: picks each alert's route and decides whether it is silenced (by an API
 * silence, a maintenance window, or an inhibition while a service it depends on is down). Silenced alerts are still
 * written, marked, and never posted. Decisions use the alert's own time, so replay decides the same way. Every alert
 * leaves scrubbed: this is where privacy is enforced for everything shown to people (Slack only escapes).
 *
 * <p>Where outages are decided (the heartbeat branch) a local store remembers which outages were posted, so their
 * recovery is posted even if a silence began in between, and a root outage's recovery lists what it held back.
 *
 * <p>Counts {@code alerts} by {@code kind} (every alert written, silenced or not) and {@code alerts-silenced} by
 * {@code kind} and {@code reason} ({@code silence}, {@code maintenance}, {@code inhibition}).
 */
public final class AlertRouter implements Processor<String, Alert, String, Alert> {

    /** Store names: the global silences and alert-state stores, and the local posted-outages store (null where unused). */
    public record Stores(String silences, String alertStates, String postedOutages) {
    }

    private final RoutingRules rules;
    private final Stores stores;
    private final Scrubber scrubber;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, Silence> silences;
    private KeyValueStore<String, Alert> alertStates;
    private KeyValueStore<String, String> postedOutages;
    private final Map<String, Sensor> counters = new HashMap<>();

    public AlertRouter(RoutingRules rules, Stores stores, Scrubber scrubber) {
        this.rules = rules;
        this.stores = stores;
        this.scrubber = scrubber;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        silences = context.getStateStore(stores.silences());
        alertStates = context.getStateStore(stores.alertStates());
        postedOutages = stores.postedOutages() == null ? null : context.getStateStore(stores.postedOutages());
    }

    @Override
    public void process(Record<String, Alert> record) {
        Alert alert = record.value();
        if (alert == null) {
            return;
        }
        if (alert.kind() == AlertKind.CANARY) {
            context.forward(record); // the watchdog's own: no rule, silence or inhibition applies
            return;
        }
        String route = rules.routeFor(alert).name();
        Alert routed;
        String postedDown = postedOutages == null ? null : postedOutages.get(alert.key());
        if (isRecovery(alert.kind()) && postedDown != null) {
            // a recovery always follows a posted outage, whatever silence began since
            postedOutages.delete(alert.key());
            routed = withHeldBack(alert, postedDown).routed(route, Optional.empty());
        } else {
            routed = alert.routed(route, suppressionOf(alert));
        }
        if (postedOutages != null && isOutage(alert.kind()) && !routed.silenced()) {
            postedOutages.put(alert.key(), alert.id());
        }
        count(routed);
        context.forward(record.withValue(scrubber.scrub(routed)));
    }

    private void count(Alert routed) {
        String kind = routed.kind().name();
        counters.computeIfAbsent("alerts/" + kind, k -> Counters.counter(context, "alerts", "kind", kind)).record();
        routed.suppression().ifPresent(s -> {
            String reason = reasonOf(s);
            counters.computeIfAbsent("alerts-silenced/" + kind + "/" + reason,
                    k -> Counters.counter(context, "alerts-silenced", "kind", kind, "reason", reason)).record();
        });
    }

    /** The label of a suppression: its kind, never its id. */
    static String reasonOf(Suppression s) {
        if (s instanceof Suppression.BySilence) {
            return "silence";
        }
        return s instanceof Suppression.ByMaintenance ? "maintenance" : "inhibition";
    }

    private Optional<Suppression> suppressionOf(Alert alert) {
        try (KeyValueIterator<String, Silence> all = silences.all()) {
            while (all.hasNext()) {
                Silence s = all.next().value;
                if (s != null && s.silences(alert)) {
                    return Optional.of(new Suppression.BySilence(s.id()));
                }
            }
        }
        Optional<MaintenanceWindow> window = rules.maintenanceFor(alert);
        if (window.isPresent()) {
            return Optional.of(new Suppression.ByMaintenance(window.get().name()));
        }
        return inhibitedBy(alert).map(Suppression.ByInhibition::new);
    }

    /** The id of a root outage that holds this alert back, if a rule names the alert's service as depending on it. */
    private Optional<String> inhibitedBy(Alert alert) {
        for (InhibitRule rule : rules.inhibitions()) {
            if (!rule.targets().contains(alert.service()) || rule.source().equals(alert.service())) {
                continue;
            }
            Alert service = alertStates.get(rule.source());
            if (service != null && service.kind() == AlertKind.SERVICE_DOWN && alert.environment().equals(service.environment())
                    && rule.holds(service.timestamp(), alert.timestamp())) {
                return Optional.of(service.id());
            }
            try (KeyValueIterator<String, Alert> instances = alertStates.prefixScan(Keys.prefix(rule.source()), new StringSerializer())) {
                while (instances.hasNext()) {
                    Alert a = instances.next().value;
                    if (a != null && a.kind() == AlertKind.INSTANCE_DOWN && alert.environment().equals(a.environment())
                            && rule.holds(a.timestamp(), alert.timestamp())) {
                        return Optional.of(a.id());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** A root outage's recovery lists the alerts it held back. */
    private Alert withHeldBack(Alert recovery, String downId) {
        Optional<Suppression> heldBy = Optional.of(new Suppression.ByInhibition(downId));
        List<String> held = new ArrayList<>();
        try (KeyValueIterator<String, Alert> all = alertStates.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value != null && heldBy.equals(kv.value.suppression())) {
                    held.add("• " + kv.value.kind() + " " + kv.value.service() + ": " + kv.value.title());
                }
            });
        }
        if (held.isEmpty()) {
            return recovery;
        }
        return recovery.withText(recovery.text() + "\nHeld back while it was down (" + held.size() + "):\n" + String.join("\n", held));
    }

    static boolean isOutage(AlertKind kind) {
        return kind == AlertKind.INSTANCE_DOWN || kind == AlertKind.SERVICE_DOWN;
    }

    static boolean isRecovery(AlertKind kind) {
        return kind == AlertKind.INSTANCE_UP || kind == AlertKind.SERVICE_UP;
    }
}
