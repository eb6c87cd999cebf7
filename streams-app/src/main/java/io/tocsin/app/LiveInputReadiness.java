package io.tocsin.app;

import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.heartbeat.HeartbeatRules;
import io.tocsin.heartbeat.InputReadiness;
import io.tocsin.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the heartbeat monitor may judge silence on its partition, by time and never by a count of records: with
 * {@code T} = max(2 s, a quarter of the smallest heartbeat timeout), <b>partition p is caught up when the app has
 * consumed every heartbeat appended more than T ago on every input partition, and the monitor on p either last
 * processed a heartbeat appended within T of now, or has nothing left to fetch and has processed nothing for T.</b>
 *
 * <p>What is checked, and why:
 * <ol>
 * <li><b>The monitor's own progress on p</b> (in the task, on this client). The monitor reports the record time of
 * every heartbeat it processes ({@link #processed}): the broker append time on the heartbeat input, carried unchanged
 * through the by-service repartition topic. {@code now -} that time is how far the whole path (input, the upstream
 * task on whichever client reads that input partition, the repartition topic, the monitor) is behind the wall clock.
 * A lag in records says nothing of the kind: at thousands of heartbeats a second a lag of thousands is a fraction of
 * a second, and a lag of zero can hide seconds of records fetched but not yet processed.</li>
 * <li><b>Silence.</b> When nothing arrives (every instance of the partition's services silent: exactly what must be
 * detected) that time stops moving. Then p is caught up if its consumer has nothing left to fetch (its
 * {@code records-lag} is 0) and the monitor has processed nothing for T: a fetched record is processed on the very
 * stream thread that runs this check, so it never waits T unprocessed. Before the first fetch of p there is no lag
 * and p is not caught up.</li>
 * <li><b>The input, on every client.</b> An upstream task that produces nothing at all (its client crashed and the
 * group has not noticed yet; just assigned, or stuck) leaves no late record for 1. to see, only a silence that looks
 * like an outage. So the app's consumer group offsets on the heartbeat input are checked for <em>every</em>
 * partition, whichever client reads it: each must be past the first record appended at or after T/2 before the
 * check (the broker finds it by time), or at the end when there is none. The check runs in the background every
 * T/4 at most; its answer counts for T/2, so it always speaks of records appended more than T ago. If the app may
 * not read its group's offsets (ACLs) this part is skipped, with a warning, rather than switch detection off.</li>
 * <li><b>The hand-over to the monitor.</b> What the upstream tasks consumed they wrote to the monitor's input in the
 * same transaction; a task that took over a dead peer's input partitions writes their whole backlog there at once,
 * with old record times, behind fresh heartbeats the monitor is already reading. So the answer of a check counts only
 * once the next check has seen the group's offsets on the monitor's input reach where that input ended at the first
 * ({@link #handedOver}).</li>
 * <li><b>No transaction left open.</b> The monitor reads committed data only; a transaction a dead peer left open on
 * its input hides everything after it until the broker aborts it, while the monitor's lag reads zero. So the answer
 * of a check also waits until every transaction open on the monitor's input then is decided ({@link #decidedSince}).
 * And when the check could not reach Kafka for a while, silence is counted from when it could again
 * ({@link #unobservedUntil}): while the broker takes no appends no instance can beat.</li>
 * </ol>
 * Probe failures from the error input are not checked: they carry event time, and never make an instance look alive.
 */
final class LiveInputReadiness implements InputReadiness {

    private static final Logger LOG = LoggerFactory.getLogger(LiveInputReadiness.class);
    private static final long MIN_TOLERANCE_MS = 2_000;

    private final long toleranceMs;
    private final LongSupplier clock;
    private final IntFunction<OptionalDouble> monitorLag;
    private final Map<Integer, Progress> progress = new ConcurrentHashMap<>();
    /** The consumer's lag metrics of each monitor partition, found once per assignment: the metrics map is large. */
    private final Map<Integer, List<Metric>> lagMetrics = new ConcurrentHashMap<>();
    private volatile InputCheck input;
    private volatile long unobservedUntil = Long.MIN_VALUE;
    private volatile boolean inputCheckSkipped;

    private final String inputTopic;
    private final String groupId;
    private final Properties adminProps;
    private volatile String monitorTopic;
    private volatile KafkaStreams streams;
    private volatile ScheduledExecutorService checker;

    /** Live: the app's metrics for the monitor's lag, and the app's group offsets for the input. */
    LiveInputReadiness(AppConfig config) {
        this.toleranceMs = toleranceFor(config.heartbeat()).toMillis();
        this.clock = System::currentTimeMillis;
        this.monitorLag = this::metricLag;
        this.inputTopic = new Topics(config.topicPrefix()).heartbeats();
        this.groupId = config.applicationId();
        this.adminProps = KafkaClients.common(config);
    }

    /** For tests: the monitor's lag from {@code monitorLag}, the input from {@link #inputChecked}. */
    LiveInputReadiness(Duration tolerance, LongSupplier clock, IntFunction<OptionalDouble> monitorLag) {
        this.toleranceMs = tolerance.toMillis();
        this.clock = clock;
        this.monitorLag = monitorLag;
        this.inputTopic = null;
        this.groupId = null;
        this.adminProps = null;
    }

    /** T: max(2 s, a quarter of the smallest configured heartbeat timeout). */
    static Duration toleranceFor(HeartbeatRules rules) {
        long smallest = rules.timeout().toMillis();
        for (Duration t : rules.serviceTimeouts().values()) {
            smallest = Math.min(smallest, t.toMillis());
        }
        return Duration.ofMillis(Math.max(MIN_TOLERANCE_MS, smallest / 4));
    }

    /**
     * Starts judging: the running app, the internal topic the monitor reads (known once the topology is built), and
     * the background check of the input. The check stops by itself once the app shuts down.
     */
    void attach(KafkaStreams kafkaStreams, String monitorInputTopic) {
        monitorTopic = monitorInputTopic;
        streams = kafkaStreams;
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tocsin-input-readiness");
            t.setDaemon(true);
            return t;
        });
        checker = s;
        long period = Math.max(100, Math.min(500, toleranceMs / 4));
        s.scheduleWithFixedDelay(new InputChecker(), 0, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void processed(int heartbeatPartition, long appendTimeMs) {
        Progress p = progress.computeIfAbsent(heartbeatPartition, k -> new Progress());
        p.lastAppend = appendTimeMs;
        p.lastProcessedAt = clock.getAsLong();
    }

    @Override
    public void started(int partition) {
        progress.remove(partition);
        lagMetrics.remove(partition);
    }

    @Override
    public boolean caughtUp(int partition) {
        long now = clock.getAsLong();
        return inputConsumed(now) && monitorCaughtUp(partition, now);
    }

    /** Rule 1 or 2 for the monitor's partition. */
    private boolean monitorCaughtUp(int partition, long now) {
        Progress p = progress.get(partition);
        if (p != null && now - p.lastAppend <= toleranceMs) {
            return true;
        }
        boolean quiet = p == null || now - p.lastProcessedAt >= toleranceMs;
        if (!quiet) {
            return false;
        }
        OptionalDouble lag = monitorLag.apply(partition);
        return lag.isPresent() && lag.getAsDouble() == 0;
    }

    /** Rule 3: the input was consumed up to T/2 before a check made at most T/2 ago. */
    private boolean inputConsumed(long now) {
        if (inputCheckSkipped) {
            return true;
        }
        InputCheck c = input;
        return c != null && c.consumed() && now - c.at() <= toleranceMs / 2;
    }

    /**
     * When Kafka last became reachable again after this app could not check the input (a broker outage, say): while
     * the broker takes no appends, no instance can beat, so that stretch is no evidence of silence.
     */
    @Override
    public long unobservedUntil() {
        return unobservedUntil;
    }

    /** The outcome of one check of the input made at {@code at}: whether it was consumed up to {@code at - T/2}. */
    void inputChecked(long at, boolean consumed) {
        input = new InputCheck(at, consumed);
    }

    /** The monitor's partition lag as this client's consumer reports it; empty before its first fetch. */
    private OptionalDouble metricLag(int partition) {
        List<Metric> metrics = lagMetrics.computeIfAbsent(partition, this::findLagMetrics);
        double max = Double.NaN;
        for (Metric m : metrics) {
            if (!(m.metricValue() instanceof Number n) || Double.isNaN(n.doubleValue())) {
                return OptionalDouble.empty();
            }
            max = Double.isNaN(max) ? n.doubleValue() : Math.max(max, n.doubleValue());
        }
        if (metrics.isEmpty()) {
            lagMetrics.remove(partition); // not fetched yet: look again next time
        }
        return Double.isNaN(max) ? OptionalDouble.empty() : OptionalDouble.of(max);
    }

    private List<Metric> findLagMetrics(int partition) {
        KafkaStreams s = streams;
        String topic = monitorTopic;
        if (s == null || topic == null) {
            return List.of();
        }
        List<Metric> found = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> m : s.metrics().entrySet()) {
            MetricName name = m.getKey();
            if ("records-lag".equals(name.name()) && is(name.tags().get("topic"), topic)
                    && String.valueOf(partition).equals(name.tags().get("partition"))) {
                found.add(m.getValue());
            }
        }
        return found;
    }

    /** Consumer metrics name topics as they are, or with '.' replaced by '_'. */
    private static boolean is(String tag, String topic) {
        return tag != null && (topic.equals(tag) || topic.replace('.', '_').equals(tag));
    }

    /**
     * Whether the group has consumed, on every partition, every record appended before the target time.
     *
     * @param partitions what the broker says of each partition at the target time
     */
    static boolean consumedBefore(Collection<InputPartition> partitions) {
        return !partitions.isEmpty() && partitions.stream().allMatch(InputPartition::consumedBefore);
    }

    /**
     * One input partition at a check.
     *
     * @param earliest        its first offset
     * @param end             its end (the next offset to be written)
     * @param firstAtOrAfter  the first offset appended at or after the target time; negative if none
     * @param committed       the group's committed offset; null if it never committed one (it then starts at the
     *                        beginning)
     */
    record InputPartition(long earliest, long end, long firstAtOrAfter, Long committed) {

        boolean consumedBefore() {
            long position = committed == null ? earliest : Math.max(committed, earliest);
            long mustReach = firstAtOrAfter < 0 ? end : Math.min(firstAtOrAfter, end);
            return position >= mustReach;
        }
    }

    private record InputCheck(long at, boolean consumed) {
    }

    /**
     * One background check: when, whether the heartbeat input was consumed up to T/2 before it, and the monitor's
     * input as it was then ({@code [earliest, end of the decided part, end]} per partition).
     */
    private record Handoff(long at, boolean inputConsumed, Map<TopicPartition, long[]> monitorLog) {
    }

    /**
     * Whether the monitor has consumed what the upstream tasks had handed it at an earlier check: the group's
     * offsets on the monitor's input now, against the end of each partition's decided part then. Consuming the
     * heartbeat input is not enough: a task that took over a dead peer's input partitions writes their backlog to the
     * monitor's input in one go, and until the monitor has read it, instances in it look silent. Under exactly-once
     * the decided part ends with a commit marker the group never consumes, hence the one offset of slack.
     */
    static boolean handedOver(Map<TopicPartition, long[]> monitorLogThen, Map<TopicPartition, OffsetAndMetadata> committedNow) {
        for (Map.Entry<TopicPartition, long[]> e : monitorLogThen.entrySet()) {
            long earliest = e.getValue()[0];
            long decidedEnd = e.getValue()[1];
            OffsetAndMetadata c = committedNow.get(e.getKey());
            long position = c == null ? earliest : Math.max(c.offset(), earliest);
            if (position < decidedEnd - 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every transaction open on the monitor's input at an earlier check has been decided since: the decided
     * part now reaches where the input ended then. A live peer commits every commit interval; a peer that died
     * mid-transaction leaves it open until the broker aborts it (the transaction timeout, 10 s and more), and
     * meanwhile the monitor (read_committed) reads nothing past its start, live peers' heartbeats included, while its
     * lag against the decided part says zero. A FailoverIT run showed that: instances behind that point reported down.
     */
    static boolean decidedSince(Map<TopicPartition, long[]> monitorLogThen, Map<TopicPartition, long[]> monitorLogNow) {
        for (Map.Entry<TopicPartition, long[]> e : monitorLogThen.entrySet()) {
            long[] now = monitorLogNow.get(e.getKey());
            if (now == null || now[1] < e.getValue()[2]) {
                return false;
            }
        }
        return true;
    }

    /** Written by the one stream thread that runs the partition's task, read by its punctuation. */
    private static final class Progress {
        volatile long lastAppend = Long.MIN_VALUE / 2;
        volatile long lastProcessedAt = Long.MIN_VALUE / 2;
    }

    /** Rule 3, in the background: the group's offsets on the heartbeat input against the broker's offsets by time. */
    private final class InputChecker implements Runnable {

        private Admin admin;
        private boolean failing;
        private Handoff previous;

        @Override
        public void run() {
            KafkaStreams s = streams;
            if (s.state().isShuttingDown() || s.state().hasCompletedShutdown()) {
                stop();
                return;
            }
            try {
                if (admin == null) {
                    admin = Admin.create(adminProps);
                }
                long at = clock.getAsLong();
                long timeout = Math.max(toleranceMs, 5_000);
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata().get(timeout, TimeUnit.MILLISECONDS);
                Handoff now = new Handoff(at, consumedBefore(read(at - toleranceMs / 2, committed, timeout)),
                        monitorLog(timeout));
                Handoff before = previous;
                previous = now;
                if (before != null) {
                    inputChecked(before.at(), before.inputConsumed() && handedOver(before.monitorLog(), committed)
                            && decidedSince(before.monitorLog(), now.monitorLog()));
                }
                if (failing) {
                    LOG.info("input readiness: the check of {} works again; silence is counted from now", inputTopic);
                    unobservedUntil = at;
                    failing = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthorizationException || e.getCause() instanceof UnsupportedVersionException) {
                    LOG.warn("input readiness: cannot read the offsets of group {} on {} ({}); judging by the monitor's own"
                            + " input only", groupId, inputTopic, e.getCause().toString());
                    inputCheckSkipped = true;
                    stop();
                } else if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    // at start, before Kafka Streams has made its internal topics: no verdicts yet, nothing to warn of
                    LOG.debug("input readiness: a topic is not there yet", e.getCause());
                } else {
                    failed(e.getCause());
                }
            } catch (TimeoutException | RuntimeException e) {
                failed(e);
            }
        }

        private List<InputPartition> read(long target, Map<TopicPartition, OffsetAndMetadata> committed, long timeout)
                throws InterruptedException, ExecutionException, TimeoutException {
            List<TopicPartition> parts = partitions(inputTopic, timeout);
            Map<TopicPartition, Long> earliest = offsets(parts, OffsetSpec.earliest(), timeout);
            Map<TopicPartition, Long> end = offsets(parts, OffsetSpec.latest(), timeout);
            Map<TopicPartition, Long> atTarget = offsets(parts, OffsetSpec.forTimestamp(target), timeout);
            List<InputPartition> out = new ArrayList<>();
            for (TopicPartition tp : parts) {
                OffsetAndMetadata c = committed.get(tp);
                out.add(new InputPartition(earliest.get(tp), end.get(tp), atTarget.get(tp), c == null ? null : c.offset()));
            }
            return out;
        }

        /**
         * The monitor's input now, per partition: {@code [earliest, end of the decided part, end]} (the end includes
         * transactions still open).
         */
        private Map<TopicPartition, long[]> monitorLog(long timeout) throws InterruptedException, ExecutionException, TimeoutException {
            List<TopicPartition> parts = partitions(monitorTopic, timeout);
            Map<TopicPartition, Long> earliest = offsets(parts, OffsetSpec.earliest(), timeout);
            Map<TopicPartition, Long> stable = offsets(parts, OffsetSpec.latest(), timeout, IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, Long> end = offsets(parts, OffsetSpec.latest(), timeout);
            Map<TopicPartition, long[]> out = new HashMap<>();
            parts.forEach(tp -> out.put(tp, new long[] {earliest.get(tp), stable.get(tp), end.get(tp)}));
            return out;
        }

        private List<TopicPartition> partitions(String name, long timeout)
                throws InterruptedException, ExecutionException, TimeoutException {
            TopicDescription topic = admin.describeTopics(List.of(name)).allTopicNames()
                    .get(timeout, TimeUnit.MILLISECONDS).get(name);
            List<TopicPartition> parts = new ArrayList<>();
            topic.partitions().forEach(p -> parts.add(new TopicPartition(name, p.partition())));
            return parts;
        }

        private Map<TopicPartition, Long> offsets(List<TopicPartition> parts, OffsetSpec spec, long timeout)
                throws InterruptedException, ExecutionException, TimeoutException {
            return offsets(parts, spec, timeout, IsolationLevel.READ_UNCOMMITTED);
        }

        private Map<TopicPartition, Long> offsets(List<TopicPartition> parts, OffsetSpec spec, long timeout,
                                                  IsolationLevel isolation)
                throws InterruptedException, ExecutionException, TimeoutException {
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            parts.forEach(tp -> query.put(tp, spec));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = admin
                    .listOffsets(query, new ListOffsetsOptions(isolation)).all().get(timeout, TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> out = new HashMap<>();
            answer.forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }

        private void failed(Throwable e) {
            if (!failing) {
                LOG.warn("input readiness: cannot check {} ({}); no down verdicts until it can", inputTopic, e.toString());
                failing = true;
            } else {
                LOG.debug("input readiness: check of {} failed again", inputTopic, e);
            }
        }

        private void stop() {
            if (admin != null) {
                admin.close(Duration.ZERO);
                admin = null;
            }
            checker.shutdown();
        }
    }
}
