package io.tocsin.heartbeat;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.Durations;
import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Tracks the last heartbeat of every instance (by record time, i.e. broker append time) and reports silence.
 *
 * <p>A dead process cannot report its own death, so detection runs on a wall-clock punctuation that checks every
 * instance on every tick, and works when every instance is silent at once. One {@code INSTANCE_DOWN} per outage, its
 * id derived from the instance and its last heartbeat; one {@code INSTANCE_UP} on the first heartbeat after it. A
 * task gives no verdict until its input has caught up and an instance's timeout has passed since the task started,
 * so a restart or rebalance never turns backlog into false alarms. {@code STOPPING} deregisters without an alert.
 */
public final class HeartbeatMonitorProcessor implements Processor<String, HeartbeatEvent, String, HeartbeatOutput> {

    private final String storeName;
    private final Duration timeout;
    private final Duration checkInterval;
    private final InputReadiness readiness;
    private ProcessorContext<String, HeartbeatOutput> context;
    private KeyValueStore<String, InstanceEntry> instances;
    private long startedAt;

    public HeartbeatMonitorProcessor(String storeName, Duration timeout, Duration checkInterval, InputReadiness readiness) {
        this.storeName = storeName;
        this.timeout = timeout;
        this.checkInterval = checkInterval;
        this.readiness = readiness;
    }

    @Override
    public void init(ProcessorContext<String, HeartbeatOutput> context) {
        this.context = context;
        this.instances = context.getStateStore(storeName);
        this.startedAt = context.currentSystemTimeMs();
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::checkSilence);
    }

    @Override
    public void process(Record<String, HeartbeatEvent> record) {
        HeartbeatEvent beat = record.value();
        if (beat == null) {
            return;
        }
        long at = record.timestamp();
        InstanceEntry previous = instances.get(beat.key());
        if (previous != null && at < previous.lastHeartbeat().toEpochMilli()) {
            return;
        }
        if (beat.status() == HeartbeatEvent.Status.STOPPING) {
            update(entryOf(beat, at, InstanceStatus.STOPPED, at), at);
            return;
        }
        boolean wasUp = previous != null && previous.status() == InstanceStatus.UP;
        InstanceEntry entry = entryOf(beat, at, InstanceStatus.UP, wasUp ? previous.since().toEpochMilli() : at);
        if (previous != null && previous.status() == InstanceStatus.DOWN) {
            emit(upAlert(previous, entry), at);
        }
        update(entry, at);
    }

    private void checkSilence(long now) {
        if (!readiness.caughtUp(context.taskId().partition())) {
            return;
        }
        List<KeyValue<String, InstanceEntry>> silent = new ArrayList<>();
        try (KeyValueIterator<String, InstanceEntry> all = instances.all()) {
            all.forEachRemaining(kv -> {
                InstanceEntry e = kv.value;
                if (e.status() == InstanceStatus.UP && now - startedAt >= e.timeoutMs()
                        && now - e.lastHeartbeat().toEpochMilli() >= e.timeoutMs()) {
                    silent.add(kv);
                }
            });
        }
        for (KeyValue<String, InstanceEntry> kv : silent) {
            InstanceEntry up = kv.value;
            long downAt = up.lastHeartbeat().toEpochMilli() + up.timeoutMs();
            emit(downAlert(up, downAt), downAt);
            update(up.withStatus(InstanceStatus.DOWN, Instant.ofEpochMilli(downAt)), downAt);
        }
    }

    private InstanceEntry entryOf(HeartbeatEvent beat, long at, InstanceStatus status, long since) {
        long effective = Math.max(timeout.toMillis(), 2 * beat.intervalMs() + 1000);
        return new InstanceEntry(beat.service(), beat.instance(), beat.environment(), beat.address(), beat.intervalMs(),
                effective, status, Instant.ofEpochMilli(at), Instant.ofEpochMilli(since), beat.load());
    }

    private void update(InstanceEntry entry, long at) {
        instances.put(entry.key(), entry);
        context.forward(new Record<>(entry.key(), HeartbeatOutput.registry(entry), at));
    }

    private void emit(Alert alert, long at) {
        context.forward(new Record<>(alert.key(), HeartbeatOutput.alert(alert), at));
    }

    private static Alert downAlert(InstanceEntry e, long downAt) {
        String title = e.service() + "/" + e.instance() + " is down";
        String text = "no heartbeat for " + Durations.format(Duration.ofMillis(e.timeoutMs())) + " (last at "
                + e.lastHeartbeat() + (e.address() == null ? "" : " from " + e.address()) + ")";
        return alert(AlertKind.INSTANCE_DOWN, e, downAt, title, text);
    }

    private static Alert upAlert(InstanceEntry down, InstanceEntry now) {
        Duration downFor = Duration.between(down.lastHeartbeat(), now.lastHeartbeat());
        String title = now.service() + "/" + now.instance() + " is back up";
        String text = "heartbeats resumed after " + Durations.format(Duration.ofSeconds(downFor.toSeconds()))
                + " of silence (last before at " + down.lastHeartbeat() + ")";
        return alert(AlertKind.INSTANCE_UP, down, now.lastHeartbeat().toEpochMilli(), title, text);
    }

    /** Both alerts of one outage derive their ids from the last heartbeat before it: a restart or replay cannot double them. */
    private static Alert alert(AlertKind kind, InstanceEntry e, long at, String title, String text) {
        return new Alert(Alert.TYPE, EventCodec.VERSION, Alert.idOf(kind, e.key(), e.lastHeartbeat().toEpochMilli()),
                kind, e.key(), e.service(), e.environment(), e.instance(), Instant.ofEpochMilli(at), title, text,
                null, null, null, null, 0, Alert.DEFAULT_ROUTE);
    }
}
