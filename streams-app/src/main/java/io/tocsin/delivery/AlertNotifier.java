package io.tocsin.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.history.DeliveryState;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.Canary;
import io.tocsin.model.EventCodec;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Reads {@code tocsin.alerts} (read_committed) and delivers each alert to its route's sink, in order per route.
 *
 * <p>Offsets are committed only past alerts that are done: accepted by Slack (and their ids recorded in
 * {@link DeliveredIds}), silenced, already delivered before a crash, or refused for good (then written to
 * {@code tocsin.alerts-undelivered} with the reason). So a Slack outage delays alerts and loses none. Each route has
 * its own queue, backoff and rate limit: a route that Slack refuses never holds up another. A route posts at most one
 * message per {@code routeInterval}; when more than {@code batchMin} alerts wait on it, or the oldest has waited
 * {@value #BATCH_AFTER_S} s, they go together in one message rather than falling minutes behind.
 *
 * <p>No record is ever skipped: a record that cannot be read, or an alert a sink cannot even try to deliver, goes to
 * the undelivered topic with the reason; when a step fails for another reason (Kafka refused a write), the consumer is
 * rewound to the first record not yet done and reads it again. Whether an alert was delivered is checked when it is
 * about to be posted, against {@link DeliveredIds} read to its end, so a copy of an alert, or an alert a peer posted
 * before its partition moved here, is not posted again.
 */
public final class AlertNotifier implements AutoCloseable {

    public static final String REASON_HEADER = "tocsin.undelivered.reason";
    public static final String ROUTE_HEADER = "tocsin.undelivered.route";
    static final long BATCH_AFTER_S = 30;
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    private static final int MAX_BATCH = 50;
    private static final int MAX_PENDING = 10_000;
    private static final long MAX_POLL_MS = 200;

    /** Tunables of delivery. */
    public record Settings(String alertsTopic, String undeliveredTopic, String deliveriesTopic, int batchMin, Duration routeInterval, RetryPolicy retry) {
    }

    private record Pending(TopicPartition partition, long offset, Alert alert, long since) {
    }

    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final class RouteQueue {
        final String route;
        final AlertSink sink;
        final Deque<Pending> waiting = new ArrayDeque<>();
        long nextAttempt;
        int failures;
        /** After a batch the sink could not even try, alerts go one at a time to find the one it cannot take. */
        boolean oneAtATime;

        RouteQueue(String route, AlertSink sink) {
            this.route = route;
            this.sink = sink;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final DeliveredIds delivered;
    private final Settings settings;
    private final Map<String, RouteQueue> routes = new LinkedHashMap<>();
    private final Set<String> queued = new HashSet<>();
    private final OffsetTracker offsets = new OffsetTracker();
    private final EventCodec codec = new EventCodec();
    private final DeliveryMetrics counts;
    private final DeliveryLog log;
    private final Counter skipped;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Set<Integer> assigned = Set.of();

    public AlertNotifier(Properties consumerProps, KafkaProducer<String, byte[]> producer, DeliveredIds delivered,
                         Map<String, AlertSink> sinks, Settings settings, MeterRegistry metrics) {
        this.consumer = new KafkaConsumer<>(consumerProps);
        this.producer = producer;
        this.delivered = delivered;
        this.settings = settings;
        sinks.forEach((route, sink) -> routes.put(route, new RouteQueue(route, sink)));
        this.counts = new DeliveryMetrics(metrics, sinks.keySet());
        this.log = new DeliveryLog(settings.deliveriesTopic(), producer, codec, Clock.systemUTC());
        this.skipped = Counter.builder("tocsin.notifier.skipped").description("alerts not posted: silenced or delivered before").register(metrics);
        this.thread = new Thread(this::run, "tocsin-notifier");
    }

    /** The notifier of a running app: its consumer group, delivery settings and retry policy from the config. */
    public static AlertNotifier forConfig(AppConfig config, KafkaProducer<String, byte[]> producer, Map<String, AlertSink> sinks,
                                          MeterRegistry metrics) {
        Topics topics = new Topics(config.topicPrefix());
        DeliveredIds delivered = new DeliveredIds(topics.alertsDelivered(), producer, KafkaClients.notifierConsumer(config),
                Topics.DELIVERED_RETENTION, DeliveredIds.DEFAULT_CAPACITY);
        Settings settings = new Settings(topics.alerts(), topics.alertsUndelivered(), topics.alertDeliveries(), config.slackBatchMin(),
                config.slackRouteInterval(), new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), new Random()));
        return new AlertNotifier(KafkaClients.notifierConsumer(config), producer, delivered, sinks, settings, metrics);
    }

    /** The alerts partitions this notifier reads now (the watchdog sends its canaries' alerts there). */
    public Set<Integer> assignedPartitions() {
        return assigned;
    }

    /** Whether the notifier is working: started, not closed, its thread alive. */
    public boolean healthy() {
        return running && thread.isAlive();
    }

    public AlertNotifier start() {
        routes.values().stream().filter(q -> !q.route.equals(Canary.ROUTE))
                .forEach(q -> LOG.info("route {} delivers to {}", q.route, q.sink.describe()));
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(settings.alertsTopic()), new OnRebalance());
            while (running) {
                try {
                    step();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // e.g. Kafka refused a record of delivered ids: nothing is committed past the alerts concerned, and
                    // reading starts again at the first of them (the one window in which a post can be repeated)
                    LOG.error("delivery step failed; reading again from the first alert not done, in 1 s", e);
                    rewind();
                    consumer.pause(consumer.assignment());
                    consumer.poll(Duration.ofSeconds(1));
                    consumer.resume(consumer.paused());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("the notifier was woken unexpectedly", e);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("the notifier stopped; /health/ready reports it", e);
            throw e;
        } finally {
            delivered.close();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void step() {
        long now = System.currentTimeMillis();
        backpressure();
        ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(pollWait(now)));
        // all are pending before any is handled, so a failure half-way rewinds to the first not done
        polled.forEach(r -> offsets.started(new TopicPartition(r.topic(), r.partition()), r.offset()));
        polled.forEach(this::accept);
        long at = System.currentTimeMillis();
        if (routes.values().stream().anyMatch(q -> due(q, at))) {
            delivered.catchUp(CATCH_UP_TIMEOUT);
            routes.values().forEach(q -> attempt(q, at));
        }
        commit();
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Alert alert;
        try {
            alert = codec.parseAlert(r.value());
        } catch (InvalidEventException | RuntimeException e) {
            String reason = "unreadable alert: " + e.getMessage();
            toUndelivered(r.key(), r.value(), reason, DeliveryMetrics.NO_ROUTE);
            counts.unreadable();
            LOG.atInfo().addKeyValue("alert.key", r.key()).addKeyValue("decision", "refused").addKeyValue("reason", reason)
                    .log("record at {}-{}@{} refused for good: {}", r.topic(), r.partition(), r.offset(), reason);
            offsets.finished(tp, r.offset());
            return;
        }
        if (alert.silenced()) {
            decided(alert, alert.route(), "silenced").addKeyValue("silenced.by", alert.silencedBy())
                    .log("alert {} {} silenced by {}", alert.id(), alert.kind(), alert.silencedBy());
            log.record(alert, alert.route(), DeliveryState.SILENCED, alert.silencedBy(), 0);
            skip(tp, r.offset());
            return;
        }
        if (delivered.contains(alert.id())) {
            alreadyDelivered(alert);
            skip(tp, r.offset());
            return;
        }
        if (!queued.add(alert.id())) {
            decided(alert, alert.route(), "duplicate")
                    .log("alert {} {} is waiting already: this copy is not posted", alert.id(), alert.kind());
            skip(tp, r.offset());
            return;
        }
        RouteQueue q = routes.get(alert.route());
        if (q == null && alert.kind() == AlertKind.CANARY) {
            skip(tp, r.offset()); // a canary of a peer whose watchdog this notifier does not serve: never posted
            return;
        }
        if (q == null) {
            q = routes.get(Alert.DEFAULT_ROUTE);
        }
        q.waiting.add(new Pending(tp, r.offset(), alert, System.currentTimeMillis()));
        log.record(alert, q.route, DeliveryState.WAITING, null, 0);
    }

    private void skip(TopicPartition tp, long offset) {
        skipped.increment();
        offsets.finished(tp, offset);
    }

    private void alreadyDelivered(Alert alert) {
        decided(alert, alert.route(), "already-delivered").log("alert {} {} was delivered before: not posted again", alert.id(), alert.kind());
        // on record again: the first word may be lost with the crash that makes an alert be read twice
        log.record(alert, alert.route(), DeliveryState.DELIVERED, "delivered before", 0);
    }

    /**
     * The one INFO line an alert's settled fate gets (delivered, silenced, not posted again, refused for good), its
     * identity as key-value pairs, so JSON log lines carry them as fields.
     */
    private static LoggingEventBuilder decided(Alert alert, String route, String decision) {
        // the watchdog's canaries (two a minute per instance) would drown the decisions a person looks for
        return LOG.atLevel(alert.kind() == AlertKind.CANARY ? Level.DEBUG : Level.INFO).addKeyValue("alert.id", alert.id()).addKeyValue("alert.kind", alert.kind())
                .addKeyValue("alert.key", alert.key()).addKeyValue("alert.route", route).addKeyValue("decision", decision);
    }

    private static boolean due(RouteQueue q, long now) {
        return !q.waiting.isEmpty() && now >= q.nextAttempt;
    }

    private void attempt(RouteQueue q, long now) {
        dropDelivered(q);
        if (!running || !due(q, now)) { // stopping: a post in flight ends, no new one starts
            return;
        }
        List<Pending> batch = q.oneAtATime ? List.of(q.waiting.peek()) : takeBatch(q, now);
        List<Alert> alerts = batch.stream().map(Pending::alert).toList();
        DeliveryResult result = deliver(q, batch);
        switch (result.outcome()) {
            case DELIVERED -> {
                delivered.record(batch.stream().map(p -> p.alert().id()).toList(), q.route);
                counts.delivered(q.route, alerts);
                batch.forEach(p -> {
                    decided(p.alert(), q.route, "delivered").addKeyValue("sink", q.sink.describe())
                            .log("alert {} {} delivered to route {} ({})", p.alert().id(), p.alert().kind(), q.route, q.sink.describe());
                    log.record(p.alert(), q.route, DeliveryState.DELIVERED, null, q.failures);
                });
                finish(q, batch);
                q.failures = 0;
                q.oneAtATime = false;
                q.nextAttempt = now + settings.routeInterval().toMillis();
            }
            case RETRY -> {
                counts.retried(q.route, alerts);
                q.failures++;
                Duration wait = settings.retry().delay(q.failures, result.retryAfter());
                // from the answer, not from before the request: a Retry-After counts from when it was given
                q.nextAttempt = System.currentTimeMillis() + wait.toMillis();
                LOG.warn("route {} ({}) did not take {} alert(s): {}; retry {} in {} ms", q.route, q.sink.describe(),
                        batch.size(), result.reason(), q.failures, wait.toMillis());
                batch.forEach(p -> log.record(p.alert(), q.route, DeliveryState.RETRYING, result.reason(), q.failures));
            }
            case PERMANENT_FAILURE -> {
                counts.undelivered(q.route, alerts);
                LOG.error("route {} ({}) refused {} alert(s) for good: {}; they go to {}", q.route, q.sink.describe(),
                        batch.size(), result.reason(), settings.undeliveredTopic());
                batch.forEach(p -> {
                    toUndelivered(p.alert().key(), codec.write(p.alert()), result.reason(), q.route);
                    decided(p.alert(), q.route, "refused").addKeyValue("reason", result.reason())
                            .log("alert {} {} refused for good by route {}", p.alert().id(), p.alert().kind(), q.route);
                    log.record(p.alert(), q.route, DeliveryState.REFUSED, result.reason(), q.failures + 1);
                });
                finish(q, batch);
                q.failures = 0;
            }
        }
    }

    /** A sink that throws (it should report, not throw) cannot take one of the alerts: find it and set it aside. */
    private DeliveryResult deliver(RouteQueue q, List<Pending> batch) {
        try {
            return q.sink.deliver(batch.stream().map(Pending::alert).toList());
        } catch (RuntimeException e) {
            LOG.error("route {} ({}) could not even try {} alert(s)", q.route, q.sink.describe(), batch.size(), e);
            if (batch.size() > 1) {
                q.oneAtATime = true;
                return DeliveryResult.retry("could not be tried: " + e);
            }
            return DeliveryResult.permanent("could not be tried: " + e);
        }
    }

    /** Copies of an alert, or alerts a peer delivered before their partition moved here, are done already. */
    private void dropDelivered(RouteQueue q) {
        q.waiting.removeIf(p -> {
            if (!delivered.contains(p.alert().id())) {
                return false;
            }
            alreadyDelivered(p.alert());
            skipped.increment();
            queued.remove(p.alert().id());
            offsets.finished(p.partition(), p.offset());
            return true;
        });
    }

    /** One alert normally; everything waiting (up to a message's worth) when the route has fallen behind. */
    private List<Pending> takeBatch(RouteQueue q, long now) {
        boolean behind = q.waiting.size() > settings.batchMin() || now - q.waiting.peek().since() > BATCH_AFTER_S * 1000;
        List<Pending> batch = new ArrayList<>();
        for (Pending p : q.waiting) {
            batch.add(p);
            if (!behind || batch.size() == MAX_BATCH) {
                break;
            }
        }
        return batch;
    }

    private void finish(RouteQueue q, List<Pending> batch) {
        for (int i = 0; i < batch.size(); i++) {
            Pending p = q.waiting.poll();
            queued.remove(p.alert().id());
            offsets.finished(p.partition(), p.offset());
        }
    }

    private void toUndelivered(String key, byte[] value, String reason, String route) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(settings.undeliveredTopic(), key, value);
        out.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        out.headers().add(ROUTE_HEADER, route.getBytes(StandardCharsets.UTF_8));
        Acks.await(List.of(producer.send(out)), "an undelivered alert", settings.undeliveredTopic());
    }

    private void commit() {
        log.flush(); // an alert whose offset is committed has its fate on record
        Map<TopicPartition, OffsetAndMetadata> done = offsets.toCommit();
        if (!done.isEmpty()) {
            consumer.commitSync(done);
            offsets.committed(done);
        }
    }

    /** Stop reading while too much waits; keep polling (paused) so the consumer stays in its group. */
    private void backpressure() {
        if (offsets.pendingCount() >= MAX_PENDING) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private long pollWait(long now) {
        long wait = MAX_POLL_MS;
        for (RouteQueue q : routes.values()) {
            if (!q.waiting.isEmpty()) {
                wait = Math.min(wait, Math.max(0, q.nextAttempt - now));
            }
        }
        return Math.max(1, wait);
    }

    /** Alerts of partitions this notifier lost belong to their new owner, which starts from the committed offset. */
    private final class OnRebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit();
            drop(partitions);
            noteAssignment();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            noteAssignment();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
            noteAssignment();
        }
    }

    private void noteAssignment() {
        assigned = consumer.assignment().stream().map(TopicPartition::partition).collect(Collectors.toUnmodifiableSet());
    }

    /** Forgets what waits from these partitions: it is read again from the committed offset, here or by a peer. */
    private void drop(Collection<TopicPartition> partitions) {
        routes.values().forEach(q -> q.waiting.removeIf(p -> {
            boolean gone = partitions.contains(p.partition());
            if (gone) {
                queued.remove(p.alert().id());
            }
            return gone;
        }));
        offsets.forget(partitions);
    }

    /** After a failed step: read each partition again from its first record not done, as if it had just been assigned. */
    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, Long> from = new HashMap<>();
        assigned.forEach(tp -> offsets.firstNotDone(tp).ifPresent(o -> from.put(tp, o)));
        drop(assigned);
        from.forEach(consumer::seek);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /**
     * Stops within {@code timeout}: a post in flight ends and is recorded, offsets are committed, and no new post
     * starts (a poll waits at most {@value #MAX_POLL_MS} ms). Only a thread still busy at the bound (Kafka not
     * answering) is woken, at the cost of that commit: what was delivered is recorded, so nothing is posted again.
     */
    public void close(Duration timeout) {
        running = false;
        try {
            thread.join(Math.max(1, timeout.toMillis()));
            if (thread.isAlive()) {
                LOG.warn("the notifier did not stop within {} ms; waking it", timeout.toMillis());
                consumer.wakeup();
                thread.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
