package io.tocsin.heartbeat;

import io.tocsin.common.OncePerInterval;
import io.tocsin.metrics.Counters;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.Canary;
import io.tocsin.model.HeartbeatEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.kafka.common.metrics.Sensor;
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
 * <p>A dead process cannot report its own death, so detection runs on a punctuation (wall clock in live mode) and
 * works when everything is silent at once. A tick reads no instance whose next deadline is still ahead: every entry's
 * pending deadlines (silence, end of group wait, end of flapping, end of retention) are kept in an index sorted by due
 * time ({@link InstanceIndex}), and a tick handles only the ones due, so it costs in proportion to them, not to the
 * instances known. A fresh outage waits
 * {@code groupWait} for others of its service: {@code groupMin} or more become one {@code SERVICE_DOWN}, fewer one
 * {@code INSTANCE_DOWN} each; the recovery is reported the same way ({@code SERVICE_UP} once all are back). An
 * instance that goes down more than {@code flapCount} times within {@code flapWindow} is reported once as flapping
 * and stays quiet until stable. Alert ids derive from the instances and their last heartbeats, so a restart or a
 * replay cannot double them. A task gives no verdict until its input has caught up and an instance's timeout has
 * passed since the task started, so backlog after a restart or rebalance never becomes false alarms. {@code STOPPING}
 * deregisters without an alert; down and stopped instances are dropped after {@code retention}.
 *
 * <p>Keeps the gauge {@code instances} by {@code status} (counted from the store when the task starts, then kept up
 * to date on every change) and counts {@code alerts-suppressed} of kind {@code INSTANCE_DOWN}: outages of an instance
 * already reported as flapping.
 */
public final class HeartbeatMonitorProcessor implements Processor<String, HeartbeatSignal, String, HeartbeatOutput> {

    /** Store names, declared once. */
    public record Stores(String instances, String index) {
    }

    /** Instances a task remembers the last registry publication of: about 100 bytes each. */
    private static final long NOT_HELD = Long.MIN_VALUE;
    private static final int REGISTRY_REFRESH_CAPACITY = 200_000;

    private final Stores stores;
    private final HeartbeatRules rules;
    private final InputReadiness readiness;
    private ProcessorContext<String, HeartbeatOutput> context;
    private KeyValueStore<String, InstanceEntry> instances;
    private InstanceIndex index;
    /**
     * When a heartbeat that changes only load and time is worth a registry record (see {@link #worthPublishing}); in
     * memory: after a restart each instance's next heartbeat is published, more, never less.
     */
    private OncePerInterval registryRefresh;
    private long startedAt;
    private final Map<InstanceStatus, long[]> statusCounts = new EnumMap<>(InstanceStatus.class);
    private final Map<InstanceStatus, Sensor> statusGauges = new EnumMap<>(InstanceStatus.class);
    /** Overload is otherwise silent: while the input is not caught up no verdict is given, and none is false either. */
    private Sensor verdictsHeld;
    private long heldSince = NOT_HELD;
    private Sensor suppressedDowns;

    public HeartbeatMonitorProcessor(Stores stores, HeartbeatRules rules, InputReadiness readiness) {
        this.stores = stores;
        this.rules = rules;
        this.readiness = readiness;
    }

    @Override
    public void init(ProcessorContext<String, HeartbeatOutput> context) {
        this.context = context;
        this.instances = context.getStateStore(stores.instances());
        this.index = new InstanceIndex(context.getStateStore(stores.index()), rules);
        // once only: a deployment upgrading from the scanning monitor has instances and no index yet
        index.buildIfNeeded(instances);
        this.registryRefresh = new OncePerInterval(rules.registryRefresh().toMillis(), REGISTRY_REFRESH_CAPACITY);
        readiness.started(context.taskId().partition());
        this.startedAt = rules.clock() == PunctuationType.WALL_CLOCK_TIME ? context.currentSystemTimeMs() : Long.MIN_VALUE / 2;
        context.schedule(rules.checkInterval(), rules.clock(), this::check);
        registerMetrics();
    }

    /** One read of the store per task start; afterwards {@link #counted} follows every change. */
    private void registerMetrics() {
        for (InstanceStatus status : InstanceStatus.values()) {
            statusCounts.put(status, new long[1]);
            statusGauges.put(status, Counters.gauge(context, "instances", "status", status.name()));
        }
        try (KeyValueIterator<String, InstanceEntry> all = instances.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value != null) {
                    statusCounts.get(kv.value.status())[0]++;
                }
            });
        }
        statusCounts.forEach((status, n) -> statusGauges.get(status).record(n[0]));
        suppressedDowns = Counters.counter(context, "alerts-suppressed", "kind", AlertKind.INSTANCE_DOWN.name());
        verdictsHeld = Counters.gauge(context, "heartbeat-verdicts-held-seconds");
        verdictsHeld.record(0);
    }

    private void counted(InstanceEntry before, InstanceEntry after) {
        InstanceStatus was = before == null ? null : before.status();
        InstanceStatus is = after == null ? null : after.status();
        if (was == is) {
            return;
        }
        if (was != null) {
            statusGauges.get(was).record(--statusCounts.get(was)[0]);
        }
        if (is != null) {
            statusGauges.get(is).record(++statusCounts.get(is)[0]);
        }
    }

    @Override
    public void close() {
        statusGauges.values().forEach(g -> Counters.remove(context, g));
        Counters.remove(context, verdictsHeld);
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
                update(previous, previous.withLastFailure(signal.failure()), record.timestamp());
            }
            return;
        }
        readiness.processed(context.taskId().partition(), record.timestamp());
        if (Canary.isCanary(signal.service())) {
            context.forward(new Record<>(signal.key(), HeartbeatOutput.alert(
                    Canary.alert(Canary.Part.HEARTBEAT, signal.instance(), signal.beat().timestamp())), record.timestamp()));
            return;
        }
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
        update(previous, entry, at);
        watchSilence(previous, entry, at);
        if (previous != null && previous.status() == InstanceStatus.DOWN) {
            reportRecovery(previous, entry, at);
        }
    }

    /**
     * The silence deadline is lazy, so a heartbeat of an instance that is up already writes nothing: it is set when the
     * instance comes up, and moved on by the tick that finds it due (see {@link #detectSilence}). It is set anew only
     * when the timeout changed (a shorter one must not wait for the old deadline) and dropped when the instance stops.
     */
    private void watchSilence(InstanceEntry previous, InstanceEntry entry, long at) {
        boolean wasUp = previous != null && previous.status() == InstanceStatus.UP;
        if (entry.status() != InstanceStatus.UP) {
            if (wasUp) {
                index.cancelSilence(entry.key());
            }
        } else if (!wasUp || previous.timeoutMs() != entry.timeoutMs()) {
            index.scheduleSilence(entry.key(), at + entry.timeoutMs());
        }
    }

    /**
     * One tick: detect new silence, announce outages whose group wait is over, end flapping, forget the long gone, in
     * that order, each phase reading the deadlines due after the one before has written its own.
     */
    private void check(long now) {
        if (rules.clock() == PunctuationType.WALL_CLOCK_TIME && !readiness.caughtUp(context.taskId().partition())) {
            heldSince = heldSince == NOT_HELD ? now : heldSince;
            verdictsHeld.record((now - heldSince) / 1000.0);
            return;
        }
        if (heldSince != NOT_HELD) {
            heldSince = NOT_HELD;
            verdictsHeld.record(0);
        }
        detectSilence(now);
        announceOutages(now);
        endFlapping(now);
        forget(now);
    }

    /**
     * A due silence deadline of an instance that has beaten since is moved to its last heartbeat plus its timeout (or
     * to when the task has been up for the timeout): one read per instance per timeout, not per tick.
     */
    private void detectSilence(long now) {
        for (InstanceIndex.Deadline d : index.due(InstanceIndex.SILENCE, now)) {
            InstanceEntry e = instances.get(d.instance());
            if (e == null || e.status() != InstanceStatus.UP) {
                index.dropSilence(d);
                continue;
            }
            // counted from the task's start, or from when Kafka was reachable again, if later
            long silentAt = Math.max(e.lastHeartbeat().toEpochMilli(), Math.max(startedAt, readiness.unobservedUntil())) + e.timeoutMs();
            if (now < silentAt) {
                index.rescheduleSilence(d, silentAt);
                continue;
            }
            index.dropSilence(d);
            long downAt = e.lastHeartbeat().toEpochMilli() + e.timeoutMs();
            update(e, e.withStatus(InstanceStatus.DOWN, Instant.ofEpochMilli(downAt))
                    .withOutage(e.outage().down(downAt, rules.flapWindow().toMillis())), downAt);
        }
    }

    /**
     * A service+environment whose first waiting instance has waited the group wait is announced with every instance of
     * it waiting then (found by service in the index); groups in order of service and environment.
     */
    private void announceOutages(long now) {
        TreeSet<Group> groups = new TreeSet<>();
        for (InstanceIndex.Deadline d : index.due(InstanceIndex.ANNOUNCE, now)) {
            InstanceEntry e = current(d);
            if (e != null) {
                groups.add(new Group(e.service(), e.environment()));
            }
        }
        for (Group g : groups) {
            List<InstanceEntry> members = new ArrayList<>();
            for (String key : index.waiting(g.service())) {
                InstanceEntry e = instances.get(key);
                if (e != null && e.downUnannounced() && Objects.equals(e.environment(), g.environment())) {
                    members.add(e);
                }
            }
            if (!members.isEmpty()) {
                announce(members);
            }
        }
    }

    /** A service and environment, ordered as the outages of a tick are announced. */
    private record Group(String service, String environment) implements Comparable<Group> {

        private String sortKey() {
            return service + "\u0000" + environment;
        }

        @Override
        public int compareTo(Group other) {
            return sortKey().compareTo(other.sortKey());
        }
    }

    private void announce(List<InstanceEntry> group) {
        List<InstanceEntry> steady = new ArrayList<>();
        for (InstanceEntry e : group) {
            if (e.outage().flapping() || e.outage().recentDowns().size() > rules.flapCount()) {
                announceFlapping(e);
            } else {
                steady.add(e);
            }
        }
        if (steady.size() >= rules.groupMin()) {
            steady.sort(Comparator.comparing(InstanceEntry::instance));
            Alert alert = HeartbeatAlerts.serviceDown(steady);
            emit(alert);
            steady.forEach(e -> update(e, e.withOutage(e.outage().announced(alert.id(), Outage.Kind.SERVICE)),
                    alert.timestamp().toEpochMilli()));
        } else {
            for (InstanceEntry e : steady) {
                Alert alert = HeartbeatAlerts.instanceDown(e);
                emit(alert);
                update(e, e.withOutage(e.outage().announced(alert.id(), Outage.Kind.INSTANCE)), e.since().toEpochMilli());
            }
        }
    }

    private void announceFlapping(InstanceEntry e) {
        long at = e.since().toEpochMilli();
        if (!e.outage().flapping()) {
            emit(HeartbeatAlerts.flapping(e, at, rules.flapWindow()));
        } else {
            suppressedDowns.record();
        }
        update(e, e.withOutage(e.outage().announced("flapping", Outage.Kind.FLAPPING)), at);
    }

    /** An instance that has not gone down for a whole flap window is stable again; if it is down now, that is an outage. */
    private void endFlapping(long now) {
        for (InstanceIndex.Deadline d : index.due(InstanceIndex.FLAP, now)) {
            InstanceEntry e = current(d);
            if (e == null) {
                continue;
            }
            Outage o = e.outage();
            if (e.status() == InstanceStatus.DOWN) {
                Alert alert = HeartbeatAlerts.instanceDown(e);
                emit(alert);
                update(e, e.withOutage(o.stable().announced(alert.id(), Outage.Kind.INSTANCE)), now);
            } else {
                update(e, e.withOutage(o.stable()), now);
            }
        }
    }

    private void forget(long now) {
        for (InstanceIndex.Deadline d : index.due(InstanceIndex.FORGET, now)) {
            InstanceEntry e = current(d);
            if (e != null) {
                instances.delete(e.key());
                index.reindex(e, null);
                counted(e, null);
                context.forward(new Record<>(e.key(), HeartbeatOutput.registry(null), now));
            }
        }
    }

    /**
     * The entry a due deadline is for, if its state still implies that deadline; otherwise the deadline is dropped and
     * null returned (an instance of an outage announced earlier in the tick, or one that changed meanwhile).
     */
    private InstanceEntry current(InstanceIndex.Deadline d) {
        InstanceEntry e = instances.get(d.instance());
        if (e == null || !index.derived(e).containsKey(d.key())) {
            index.drop(d);
            return null;
        }
        return e;
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
        // a member that came back and went down again is in a new outage of its own: it no longer holds this one open.
        // Whether any holds it open is one seek; the members are read once, when the last is back
        if (!index.open(o.alertId())) {
            List<InstanceEntry> members = outageMembers(o.alertId());
            members.sort(Comparator.comparing(InstanceEntry::instance));
            emit(HeartbeatAlerts.serviceUp(members, at, o.alertId()));
        }
    }

    /** Every instance of the service that took part in the outage: still down in it, or back from it. */
    private List<InstanceEntry> outageMembers(String outageId) {
        List<InstanceEntry> members = new ArrayList<>();
        for (String key : index.members(outageId)) {
            InstanceEntry e = instances.get(key);
            if (e != null) {
                members.add(e);
            }
        }
        return members;
    }

    /** Writes an entry, the index keys that follow from it, and the registry update. */
    private void update(InstanceEntry before, InstanceEntry entry, long at) {
        instances.put(entry.key(), entry);
        index.reindex(before, entry);
        counted(before, entry);
        if (worthPublishing(before, entry, at)) {
            context.forward(new Record<>(entry.key(), HeartbeatOutput.registry(entry), at));
        }
    }

    /**
     * Every change is published at once but a heartbeat's refresh of the time and load, which is published once per
     * {@code registryRefresh}: the API reads the store, so only readers of the topic see figures up to that old.
     */
    private boolean worthPublishing(InstanceEntry before, InstanceEntry entry, long at) {
        if (before != null && before.refreshed(entry.lastHeartbeat(), entry.load()).equals(entry)) {
            return registryRefresh.due(entry.key(), at);
        }
        registryRefresh.passed(entry.key(), at);
        return true;
    }

    private void emit(Alert alert) {
        context.forward(new Record<>(alert.key(), HeartbeatOutput.alert(alert), alert.timestamp().toEpochMilli()));
    }

}
