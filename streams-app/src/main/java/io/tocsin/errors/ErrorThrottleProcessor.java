package io.tocsin.errors;

import io.tocsin.metrics.Counters;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.Canary;
import io.tocsin.model.Durations;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.Frame;
import io.tocsin.model.Topics;
import io.tocsin.privacy.Scrubber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads exception events keyed by fingerprint (record time = event time), drops duplicate event ids, applies the
 * {@link CapThenResetThrottle} and writes {@code ERROR} and {@code ERROR_DIGEST} alerts and group updates.
 *
 * <p>A window closes when its group's own latest event passes its end plus grace, or by the wall-clock sweep when the
 * wall clock, {@code error.digest.max-delay} behind, is past that and nothing has arrived for the group for
 * {@code error.digest.max-delay}. The sweep is driven by timers kept in a store sorted by due time, so it never scans
 * every group. So alerting does not depend
 * on when events arrive: old events arriving in order (a spool drained after an outage, a backlog after Tocsin was
 * down, an incident two hours old) are throttled exactly as if on time, and the sweep only brings the digest of an
 * error that went quiet. State lives in persistent stores backed by changelogs, so a restart
 * forgets no count; an index by service keeps per-service queries from scanning every group.
 *
 * <p>Counts {@code alerts-suppressed} (kind {@code ERROR}: events the cap kept quiet) and keeps the gauge
 * {@code error-groups}: the groups this task holds, from the store's estimate at start plus the groups made and
 * dropped since.
 */
public final class ErrorThrottleProcessor implements Processor<String, GroupedError, String, ErrorOutput> {

    /** Store names, declared once. */
    public record Stores(String groups, String samples, String byService, String timers, String eventIds) {

        public String[] all() {
            return new String[] {groups, samples, byService, timers, eventIds};
        }
    }

    private static final String CLOSE = "close/";
    private static final String EXPIRE = "expire/";
    private static final String PUBLISH = "publish/";

    private final Stores stores;
    private final CapThenResetThrottle throttle;
    private final Scrubber scrubber;
    private ProcessorContext<String, ErrorOutput> context;
    private KeyValueStore<String, ErrorGroup> groups;
    private KeyValueStore<String, ExceptionEvent> samples;
    private KeyValueStore<String, String> byService;
    private KeyValueStore<String, String> timers;
    private WindowStore<String, Long> eventIds;
    private Sensor duplicates;
    private Sensor late;
    private Sensor suppressed;
    private Sensor liveGroups;
    private long liveGroupCount;
    private long lastProcessedAt = Long.MIN_VALUE / 2;
    private long lastAppendTime;

    public ErrorThrottleProcessor(Stores stores, CapThenResetThrottle throttle, Scrubber scrubber) {
        this.stores = stores;
        this.throttle = throttle;
        this.scrubber = scrubber;
    }

    @Override
    public void init(ProcessorContext<String, ErrorOutput> context) {
        this.context = context;
        groups = context.getStateStore(stores.groups());
        samples = context.getStateStore(stores.samples());
        byService = context.getStateStore(stores.byService());
        timers = context.getStateStore(stores.timers());
        eventIds = context.getStateStore(stores.eventIds());
        duplicates = Counters.counter(context, "duplicate-events");
        late = Counters.counter(context, "late-events");
        suppressed = Counters.counter(context, "alerts-suppressed", "kind", AlertKind.ERROR.name());
        liveGroups = Counters.gauge(context, "error-groups");
        liveGroupCount = groups.approximateNumEntries();
        liveGroups.record(liveGroupCount);
        ThrottleRules rules = throttle.rules();
        if (!rules.publishInterval().isZero()) {
            context.schedule(rules.publishInterval(), PunctuationType.WALL_CLOCK_TIME, now -> publishChanged());
        }
        if (rules.wallClockSweep()) {
            context.schedule(rules.sweepInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
                if (!catchingUp(now)) {
                    runTimers(now - rules.digestMaxDelay().toMillis(), now);
                }
            });
        }
    }

    @Override
    public void process(Record<String, GroupedError> record) {
        GroupedError error = record.value();
        if (error == null || record.key() == null) {
            return;
        }
        if (Canary.isCanary(error.event().service())) {
            emitAlert(Canary.alert(Canary.Part.EXCEPTION, error.event().instance(), error.event().timestamp()));
            return;
        }
        long t = record.timestamp();
        noteArrival(record);
        ErrorGroup before = groups.get(record.key());
        if (before != null && before.alertedOn(error.event().id()) || isDuplicate(error.event().id(), t)) {
            duplicates.record();
            return;
        }
        rememberEvent(error.event().id(), t);
        CapThenResetThrottle.Decision d = throttle.apply(before, error, t);
        // the group's own clock closes what it has passed, whatever other groups or the wall clock say
        CapThenResetThrottle.Decision passed = throttle.closeDue(d.group(), t);
        ErrorGroup after = passed.group().arrived(context.currentSystemTimeMs());
        if (before == null) {
            byService.put(serviceKey(after), after.fingerprint());
            liveGroups.record(++liveGroupCount);
        }
        if (before == null || before.current() == null || before.current().start() != after.current().start()) {
            schedule(CLOSE, after.current().end() + throttle.rules().grace().toMillis(), after.fingerprint());
        }
        if (after.lateCount() > (before == null ? 0 : before.lateCount())) {
            late.record();
        } else if (d.alert().isEmpty()) {
            suppressed.record();
        }
        d.closed().forEach(w -> digest(after, w));
        passed.closed().forEach(w -> digest(after, w));
        d.alert().ifPresent(a -> emitAlert(errorAlert(after, error.event(), t, a)));
        save(after);
        if (error.sample()) {
            keepSample(after.fingerprint(), error.event());
        }
    }

    @Override
    public void close() {
        Counters.remove(context, liveGroups);
    }

    /** The latest whole event by event time, scrubbed: a sample arriving late does not replace a newer one. */
    private void keepSample(String fingerprint, ExceptionEvent event) {
        ExceptionEvent kept = samples.get(fingerprint);
        if (kept == null || !kept.timestamp().isAfter(event.timestamp())) {
            samples.put(fingerprint, scrubber.scrub(event));
        }
    }

    /**
     * Whether the task is working through a backlog: the last record it processed, within the digest delay, had been
     * received by the broker more than the digest delay before. A group may look quiet then only because its next
     * events wait behind others, so no window is closed by the wall clock until the task has caught up (or has had
     * nothing to read for the digest delay).
     */
    private boolean catchingUp(long now) {
        long delay = throttle.rules().digestMaxDelay().toMillis();
        return now - lastProcessedAt <= delay && lastProcessedAt - lastAppendTime > delay;
    }

    private void noteArrival(Record<String, GroupedError> record) {
        lastProcessedAt = context.currentSystemTimeMs();
        Header h = record.headers().lastHeader(Topics.APPEND_TIME_HEADER);
        if (h != null) {
            try {
                lastAppendTime = Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                lastAppendTime = lastProcessedAt; // not ours: no evidence of a backlog
            }
        }
    }

    /**
     * At wall-clock time {@code now}: closes every window due by {@code closeUpTo} of a group that has been quiet for
     * the digest delay, and drops every group expired by {@code now}. The timer of a group still receiving events
     * stays: it is looked at again next time.
     */
    private void runTimers(long closeUpTo, long now) {
        long quietMs = throttle.rules().digestMaxDelay().toMillis();
        for (KeyValue<String, String> timer : due(CLOSE, closeUpTo)) {
            ErrorGroup g = groups.get(timer.value);
            if (g != null && !g.quietFor(quietMs, now)) {
                continue;
            }
            timers.delete(timer.key);
            if (g == null) {
                continue;
            }
            CapThenResetThrottle.Decision d = throttle.closeDue(g, closeUpTo);
            if (!d.closed().isEmpty()) {
                d.closed().forEach(w -> digest(d.group(), w));
                save(d.group());
                if (d.group().current().closed()) {
                    schedule(EXPIRE, d.group().lastSeen() + throttle.rules().retention().toMillis(), g.fingerprint());
                }
            }
        }
        for (KeyValue<String, String> timer : due(EXPIRE, now)) {
            timers.delete(timer.key);
            ErrorGroup g = groups.get(timer.value);
            if (g == null || !g.current().closed()) {
                continue; // gone, or a new window is open: its close schedules the next expiry
            }
            long expiresAt = g.lastSeen() + throttle.rules().retention().toMillis();
            if (expiresAt <= now) {
                groups.delete(g.fingerprint());
                samples.delete(g.fingerprint());
                byService.delete(serviceKey(g));
                liveGroups.record(liveGroupCount = Math.max(0, liveGroupCount - 1));
                context.forward(new Record<>(g.fingerprint(), ErrorOutput.group(null), now));
            } else {
                schedule(EXPIRE, expiresAt, g.fingerprint()); // a late occurrence moved lastSeen after this was set
            }
        }
    }

    private List<KeyValue<String, String>> due(String kind, long upTo) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = timers.range(kind + pad(0), kind + pad(upTo) + "/\uffff")) {
            it.forEachRemaining(due::add);
        }
        return due;
    }

    private void schedule(String kind, long at, String fingerprint) {
        timers.put(kind + pad(at) + "/" + fingerprint, fingerprint);
    }

    private static String pad(long time) {
        return String.format("%019d", Math.max(0, time));
    }

    private boolean isDuplicate(String id, long t) {
        try (WindowStoreIterator<Long> seen = eventIds.fetch(id, t, t)) {
            return seen.hasNext();
        }
    }

    private void rememberEvent(String id, long t) {
        eventIds.put(id, t, t);
    }

    private void save(ErrorGroup g) {
        ErrorGroup stored = new ErrorGroup(g.fingerprint(), scrubber.scrub(g.title()), g.service(), g.environment(), g.firstSeen(),
                g.lastSeen(), g.totalCount(), g.alertsSent(), g.lateCount(), g.current(), g.previous(), g.instances(),
                g.arrivedAt(), g.hourly());
        groups.put(g.fingerprint(), stored);
        if (throttle.rules().publishInterval().isZero()) {
            publish(stored);
        } else {
            timers.put(PUBLISH + g.fingerprint(), g.fingerprint());
        }
    }

    /**
     * Publishes each group changed since the last time once, as it is now: a hot group costs one record on
     * {@code tocsin.error-groups} per interval, not one per occurrence. The marks are state (in the timers store), so
     * a change committed before a crash is still published after it.
     */
    private void publishChanged() {
        List<KeyValue<String, String>> changed = new ArrayList<>();
        try (KeyValueIterator<String, String> it = timers.prefixScan(PUBLISH, new StringSerializer())) {
            it.forEachRemaining(changed::add);
        }
        for (KeyValue<String, String> mark : changed) {
            timers.delete(mark.key);
            ErrorGroup g = groups.get(mark.value);
            if (g != null) {
                publish(g);
            }
        }
    }

    private void publish(ErrorGroup g) {
        context.forward(new Record<>(g.fingerprint(), ErrorOutput.group(g), g.lastSeen()));
    }

    private void emitAlert(Alert alert) {
        context.forward(new Record<>(alert.key(), ErrorOutput.alert(alert), alert.timestamp().toEpochMilli()));
    }

    private void digest(ErrorGroup g, ErrorWindow w) {
        if (!w.worthADigest()) {
            return;
        }
        Duration length = Duration.ofMillis(w.end() - w.start());
        String text = String.format("suppressed %,d more in the last %s (%,d in the window, %d alerted); last seen %s",
                w.suppressed(), Durations.format(length), w.count(), w.alerts(), Instant.ofEpochMilli(w.lastSeen()));
        if (w.late() > 0) {
            text += String.format("; %,d more arrived too late to count in their window", w.late());
        }
        emitAlert(Alert.digest(Alert.idOf(AlertKind.ERROR_DIGEST, g.fingerprint(), w.start()),
                new Alert.Subject(g.fingerprint(), g.service(), g.environment(), null), Instant.ofEpochMilli(w.end()),
                g.title(), text, throttle.rules().limit(), Instant.ofEpochMilli(w.start()),
                Instant.ofEpochMilli(w.end()), w.suppressed()));
    }

    private Alert errorAlert(ErrorGroup g, ExceptionEvent event, long eventTime, CapThenResetThrottle.AlertedOccurrence a) {
        return Alert.error(Alert.idOf(AlertKind.ERROR, g.fingerprint(), a.window().start(), a.occurrence()),
                new Alert.Subject(g.fingerprint(), event.service(), event.environment(), event.instance()),
                Instant.ofEpochMilli(eventTime), g.title(), text(event), a.occurrence(),
                throttle.rules().limit(), Instant.ofEpochMilli(a.window().start()), Instant.ofEpochMilli(a.window().end()));
    }

    private static String serviceKey(ErrorGroup g) {
        return g.service() + "/" + g.environment() + "/" + g.fingerprint();
    }

    /** The raw detail people need: message, top in-app frames, request. Escaping is the delivery's job. */
    private static String text(ExceptionEvent event) {
        StringBuilder text = new StringBuilder(event.exception().type());
        if (event.exception().message() != null) {
            text.append(": ").append(event.exception().message());
        }
        String frames = event.exception().frames().stream()
                .filter(Frame::inApp)
                .limit(SampleGate.FRAMES_QUOTED)
                .map(f -> "at " + f.className() + "." + f.method() + (f.line() != null && f.line() > 0 ? ":" + f.line() : ""))
                .collect(Collectors.joining("\n"));
        if (!frames.isEmpty()) {
            text.append('\n').append(frames);
        }
        if (event.count() > 1) {
            text.append("\n(").append(event.count()).append(" occurrences in this report)");
        }
        if (event.request() != null && event.request().url() != null) {
            text.append("\nrequest: ").append(event.request().method() == null ? "" : event.request().method() + " ")
                    .append(event.request().url());
        }
        return text.toString();
    }
}
