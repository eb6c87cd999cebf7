package io.tocsin.heartbeat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.Durations;
import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Tracks the last heartbeat of every instance (by record time, i.e. broker append time) and reports silence.
 * Input is partitioned by service, so one task sees every instance of a service.
 *
 * <p>A dead process cannot report its own death, so detection runs on a punctuation (wall clock in live mode) that
 * checks every instance on every tick and works when everything is silent at once. A fresh outage waits
 * {@code groupWait} for others of its service: {@code groupMin} or more become one {@code SERVICE_DOWN}, fewer one
 * {@code INSTANCE_DOWN} each; the recovery is reported the same way ({@code SERVICE_UP} once all are back). An
 * instance that goes down more than {@code flapCount} times within {@code flapWindow} is reported once as flapping
 * and stays quiet until stable. Alert ids derive from the instances and their last heartbeats, so a restart or a
 * replay cannot double them. A task gives no verdict until its input has caught up and an instance's timeout has
 * passed since the task started, so backlog after a restart or rebalance never becomes false alarms. {@code STOPPING}
 * deregisters without an alert; down and stopped instances are dropped after {@code retention}.
 */
public final class HeartbeatMonitorProcessor implements Processor<String, HeartbeatSignal, String, HeartbeatOutput> {

    private final String storeName;
    private final HeartbeatRules rules;
    private final InputReadiness readiness;
    private ProcessorContext<String, HeartbeatOutput> context;
    private KeyValueStore<String, InstanceEntry> instances;
    private long startedAt;

    public HeartbeatMonitorProcessor(String storeName, HeartbeatRules rules, InputReadiness readiness) {
        this.storeName = storeName;
        this.rules = rules;
        this.readiness = readiness;
    }

    @Override
    public void init(ProcessorContext<String, HeartbeatOutput> context) {
        this.context = context;
        this.instances = context.getStateStore(storeName);
        readiness.started(context.taskId().partition());
        this.startedAt = rules.clock() == PunctuationType.WALL_CLOCK_TIME ? context.currentSystemTimeMs() : Long.MIN_VALUE / 2;
        context.schedule(rules.checkInterval(), rules.clock(), this::check);
    }

    @Override
    public void process(Record<String, HeartbeatSignal> record) {
        HeartbeatSignal signal = record.value();
        if (signal == null) {
            return;
        }
        InstanceEntry previous = instances.get(signal.key());
        if (signal.beat() == null) {
            if (previous != null) {
                update(previous.withLastFailure(signal.failure()), record.timestamp());
            }
            return;
        }
        readiness.processed(context.taskId().partition(), record.timestamp());
        long at = record.timestamp();
        if (previous != null && at < previous.lastHeartbeat().toEpochMilli()) {
            return;
        }
        HeartbeatEvent beat = signal.beat();
        boolean stopping = beat.status() == HeartbeatEvent.Status.STOPPING;
        boolean wasUp = previous != null && previous.status() == InstanceStatus.UP;
        InstanceEntry entry = new InstanceEntry(beat.service(), beat.instance(), beat.environment(), beat.address(),
                beat.intervalMs(), rules.timeoutMs(beat.service(), beat.intervalMs()),
                stopping ? InstanceStatus.STOPPED : InstanceStatus.UP, Instant.ofEpochMilli(at),
                Instant.ofEpochMilli(wasUp && !stopping ? previous.since().toEpochMilli() : at), beat.load(),
                stopping ? null : previous == null ? null : previous.lastFailure(),
                previous == null ? Outage.NONE : previous.outage().recovered());
        update(entry, at);
        if (previous != null && previous.status() == InstanceStatus.DOWN) {
            reportRecovery(previous, entry, at);
        }
    }

    /**
     * One tick: detect new silence, announce outages whose group wait is over, end flapping, forget the long gone.
     * The store is read once per tick; the phases work on that snapshot, kept current as they update entries.
     */
    private void check(long now) {
        if (rules.clock() == PunctuationType.WALL_CLOCK_TIME && !readiness.caughtUp(context.taskId().partition())) {
            return;
        }
        Map<String, InstanceEntry> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, InstanceEntry> it = instances.all()) {
            it.forEachRemaining(kv -> all.put(kv.key, kv.value));
        }
        detectSilence(all, now);
        announceOutages(all, now);
        endFlapping(all, now);
        forget(all, now);
    }

    private void detectSilence(Map<String, InstanceEntry> all, long now) {
        for (InstanceEntry e : List.copyOf(all.values())) {
            if (e.status() == InstanceStatus.UP && now - startedAt >= e.timeoutMs()
                    && now - e.lastHeartbeat().toEpochMilli() >= e.timeoutMs()) {
                long downAt = e.lastHeartbeat().toEpochMilli() + e.timeoutMs();
                update(all, e.withStatus(InstanceStatus.DOWN, Instant.ofEpochMilli(downAt))
                        .withOutage(e.outage().down(downAt, rules.flapWindow().toMillis())), downAt);
            }
        }
    }

    private void announceOutages(Map<String, InstanceEntry> all, long now) {
        Map<String, List<InstanceEntry>> waiting = new TreeMap<>();
        for (InstanceEntry e : all.values()) {
            if (e.downUnannounced()) {
                waiting.computeIfAbsent(e.service() + "\u0000" + e.environment(), k -> new ArrayList<>()).add(e);
            }
        }
        for (List<InstanceEntry> group : waiting.values()) {
            long first = group.stream().mapToLong(e -> e.since().toEpochMilli()).min().orElse(now);
            if (now - first >= rules.groupWait().toMillis()) {
                announce(all, group);
            }
        }
    }

    private void announce(Map<String, InstanceEntry> all, List<InstanceEntry> group) {
        List<InstanceEntry> steady = new ArrayList<>();
        for (InstanceEntry e : group) {
            if (e.outage().flapping() || e.outage().recentDowns().size() > rules.flapCount()) {
                announceFlapping(all, e);
            } else {
                steady.add(e);
            }
        }
        if (steady.size() >= rules.groupMin()) {
            steady.sort(Comparator.comparing(InstanceEntry::instance));
            Alert alert = HeartbeatAlerts.serviceDown(steady);
            emit(alert);
            steady.forEach(e -> update(all, e.withOutage(e.outage().announced(alert.id(), Outage.Kind.SERVICE)),
                    alert.timestamp().toEpochMilli()));
        } else {
            for (InstanceEntry e : steady) {
                Alert alert = HeartbeatAlerts.instanceDown(e);
                emit(alert);
                update(all, e.withOutage(e.outage().announced(alert.id(), Outage.Kind.INSTANCE)), e.since().toEpochMilli());
            }
        }
    }

    private void announceFlapping(Map<String, InstanceEntry> all, InstanceEntry e) {
        long at = e.since().toEpochMilli();
        if (!e.outage().flapping()) {
            emit(HeartbeatAlerts.flapping(e, at, rules.flapWindow()));
        }
        update(all, e.withOutage(e.outage().announced("flapping", Outage.Kind.FLAPPING)), at);
    }

    /** An instance that has not gone down for a whole flap window is stable again; if it is down now, that is an outage. */
    private void endFlapping(Map<String, InstanceEntry> all, long now) {
        for (InstanceEntry e : List.copyOf(all.values())) {
            Outage o = e.outage();
            if (!o.flapping() || now - o.lastDown() < rules.flapWindow().toMillis()) {
                continue;
            }
            if (e.status() == InstanceStatus.DOWN) {
                Alert alert = HeartbeatAlerts.instanceDown(e);
                emit(alert);
                update(all, e.withOutage(o.stable().announced(alert.id(), Outage.Kind.INSTANCE)), now);
            } else {
                update(all, e.withOutage(o.stable()), now);
            }
        }
    }

    private void forget(Map<String, InstanceEntry> all, long now) {
        for (InstanceEntry e : all.values()) {
            if (e.status() != InstanceStatus.UP && now - e.since().toEpochMilli() >= rules.retention().toMillis()) {
                instances.delete(e.key());
                context.forward(new Record<>(e.key(), HeartbeatOutput.registry(null), now));
            }
        }
    }

    private void reportRecovery(InstanceEntry down, InstanceEntry back, long at) {
        Outage o = down.outage();
        if (o.alertId() == null || o.kind() == Outage.Kind.FLAPPING || o.flapping()) {
            return;
        }
        if (o.kind() == Outage.Kind.INSTANCE) {
            emit(HeartbeatAlerts.instanceUp(down, back));
            return;
        }
        List<InstanceEntry> members = outageMembers(down.service(), o.alertId());
        // a member that came back and went down again is in a new outage of its own: it no longer holds this one open
        if (members.stream().noneMatch(m -> m.status() == InstanceStatus.DOWN && o.alertId().equals(m.outage().alertId()))) {
            members.sort(Comparator.comparing(InstanceEntry::instance));
            emit(HeartbeatAlerts.serviceUp(members, at, o.alertId()));
        }
    }

    /** Every instance of the service that took part in the outage: still down in it, or back from it. */
    private List<InstanceEntry> outageMembers(String service, String outageId) {
        List<InstanceEntry> members = new ArrayList<>();
        try (KeyValueIterator<String, InstanceEntry> it = instances.prefixScan(Keys.prefix(service), new StringSerializer())) {
            it.forEachRemaining(kv -> {
                Outage o = kv.value.outage();
                if (outageId.equals(o.alertId()) || outageId.equals(o.recoveredFrom())) {
                    members.add(kv.value);
                }
            });
        }
        return members;
    }

    /** Updates an entry during a tick: the store, and the tick's snapshot. */
    private void update(Map<String, InstanceEntry> all, InstanceEntry entry, long at) {
        update(entry, at);
        all.put(entry.key(), entry);
    }

    private void update(InstanceEntry entry, long at) {
        instances.put(entry.key(), entry);
        context.forward(new Record<>(entry.key(), HeartbeatOutput.registry(entry), at));
    }

    private void emit(Alert alert) {
        context.forward(new Record<>(alert.key(), HeartbeatOutput.alert(alert), alert.timestamp().toEpochMilli()));
    }

}
