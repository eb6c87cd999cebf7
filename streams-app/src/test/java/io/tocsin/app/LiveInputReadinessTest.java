package io.tocsin.app;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.config.AppConfig;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.topology.Events;
import io.tocsin.topology.TopologyFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The time-based readiness rule: a lag in records never decides alone; silence with nothing left to fetch is caught up. */
class LiveInputReadinessTest {

    private static final Duration T = Duration.ofSeconds(2);

    private final AtomicLong now = new AtomicLong(T0.toEpochMilli());
    private final Map<Integer, OptionalDouble> lag = new HashMap<>();
    private final LiveInputReadiness readiness = new LiveInputReadiness(T, now::get,
            p -> lag.getOrDefault(p, OptionalDouble.empty()));

    private void pass(Duration d) {
        now.addAndGet(d.toMillis());
    }

    private void inputConsumed() {
        readiness.inputChecked(now.get(), true);
    }

    /** The monitor processes, now, heartbeats appended {@code behind} ago. */
    private void processHeartbeats(int partition, Duration behind, int count) {
        for (int i = 0; i < count; i++) {
            readiness.processed(partition, now.get() - behind.toMillis());
        }
    }

    @Test
    void aLagOfThousandsOfRecordsIsCaughtUpWhenWhatIsProcessedWasAppendedWithinTheTolerance() {
        inputConsumed();
        processHeartbeats(0, Duration.ofMillis(400), 3000);
        lag.put(0, OptionalDouble.of(4800));

        assertThat(readiness.caughtUp(0)).isTrue();
    }

    @Test
    void aTaskThatStartsAgainIsJudgedAfreshNotByWhatItProcessedBefore() {
        inputConsumed();
        processHeartbeats(0, Duration.ofMillis(400), 100);
        assertThat(readiness.caughtUp(0)).isTrue();

        readiness.started(0); // the partition moved away and back: a backlog may wait behind the committed offset
        lag.put(0, OptionalDouble.of(4800));

        assertThat(readiness.caughtUp(0)).isFalse();
    }

    @Test
    void aBacklogMinutesOldIsNotCaughtUpHoweverFewRecordsAreLeftToFetch() {
        inputConsumed();
        processHeartbeats(0, Duration.ofMinutes(4), 500);

        lag.put(0, OptionalDouble.of(4800));
        assertThat(readiness.caughtUp(0)).as("thousands left").isFalse();
        lag.put(0, OptionalDouble.of(0));
        assertThat(readiness.caughtUp(0)).as("all fetched, not all processed").isFalse();
    }

    @Test
    void everythingSilentWithNothingLeftToFetchIsCaughtUp() {
        processHeartbeats(0, Duration.ofMillis(50), 10);
        pass(Duration.ofMinutes(5)); // every instance of the partition went quiet: the last append time gets old
        inputConsumed();
        lag.put(0, OptionalDouble.of(0));

        assertThat(readiness.caughtUp(0)).isTrue();
    }

    @Test
    void aPartitionThatNeverHadAHeartbeatIsCaughtUpOnceFetchedToTheEnd() {
        inputConsumed();
        assertThat(readiness.caughtUp(0)).as("before the first fetch").isFalse();

        lag.put(0, OptionalDouble.of(0));
        assertThat(readiness.caughtUp(0)).isTrue();
    }

    @Test
    void aBacklogThatEndsInSilenceIsCaughtUpOnceItsLastRecordsAreProcessed() {
        lag.put(0, OptionalDouble.of(0)); // everything fetched, the old records still being processed
        processHeartbeats(0, Duration.ofMinutes(10), 1000);
        inputConsumed();
        assertThat(readiness.caughtUp(0)).isFalse();

        pass(T); // nothing more to process: the old append time must not switch detection off for good
        inputConsumed();
        assertThat(readiness.caughtUp(0)).isTrue();
    }

    @Test
    void silenceWithRecordsLeftToFetchIsNotCaughtUp() {
        processHeartbeats(0, Duration.ofMillis(50), 10);
        pass(Duration.ofMinutes(1));
        inputConsumed();
        lag.put(0, OptionalDouble.of(3));

        assertThat(readiness.caughtUp(0)).isFalse();
    }

    @Test
    void aHeartbeatAppendedJustOverTheToleranceAgoIsBehind() {
        inputConsumed();
        lag.put(0, OptionalDouble.of(1));
        processHeartbeats(0, T, 1);
        assertThat(readiness.caughtUp(0)).as("exactly T behind").isTrue();

        processHeartbeats(0, T.plusMillis(1), 1);
        assertThat(readiness.caughtUp(0)).as("just over T").isFalse();
    }

    @Test
    void partitionsAreJudgedEachOnItsOwnProgress() {
        inputConsumed();
        processHeartbeats(0, Duration.ofMillis(100), 10);
        processHeartbeats(1, Duration.ofMinutes(3), 10);
        lag.put(0, OptionalDouble.of(900));
        lag.put(1, OptionalDouble.of(900));

        assertThat(readiness.caughtUp(0)).isTrue();
        assertThat(readiness.caughtUp(1)).isFalse();
        assertThat(readiness.caughtUp(2)).as("not fetched here").isFalse();
    }

    @Test
    void anInputBehindOnAnyPartitionHoldsBackEveryMonitorPartition() {
        processHeartbeats(0, Duration.ofMillis(100), 10);
        lag.put(0, OptionalDouble.of(0));
        assertThat(readiness.caughtUp(0)).as("no check of the input yet").isFalse();

        readiness.inputChecked(now.get(), false);
        assertThat(readiness.caughtUp(0)).as("an upstream task somewhere is behind or stalled").isFalse();

        inputConsumed();
        assertThat(readiness.caughtUp(0)).isTrue();
    }

    @Test
    void aCheckOfTheInputCountsForHalfTheToleranceOnly() {
        lag.put(0, OptionalDouble.of(0));
        inputConsumed();
        pass(T.dividedBy(2));
        assertThat(readiness.caughtUp(0)).isTrue();

        pass(Duration.ofMillis(1)); // the checker stopped answering (broker unreachable, say)
        assertThat(readiness.caughtUp(0)).isFalse();
    }

    @Test
    void theToleranceIsAQuarterOfTheSmallestTimeoutButNeverUnderTwoSeconds() {
        assertThat(LiveInputReadiness.toleranceFor(AppConfig.fromMap(Map.of()).heartbeat())).isEqualTo(Duration.ofMillis(2500));
        assertThat(LiveInputReadiness.toleranceFor(AppConfig.fromMap(Map.of("heartbeat.timeout", "60s",
                "heartbeat.timeout.fast", "20s")).heartbeat())).isEqualTo(Duration.ofSeconds(5));
        assertThat(LiveInputReadiness.toleranceFor(AppConfig.fromMap(Map.of("heartbeat.timeout", "4s")).heartbeat()))
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Nested
    class InputPartitions {

        @Test
        void consumedWhenTheCommittedOffsetIsPastEveryRecordAppendedBeforeTheTarget() {
            assertThat(new LiveInputReadiness.InputPartition(0, 90_000, 88_000, 88_000L).consumedBefore()).isTrue();
            assertThat(new LiveInputReadiness.InputPartition(0, 90_000, 88_000, 89_500L).consumedBefore())
                    .as("thousands of records short of the end, all of them newer than the target").isTrue();
            assertThat(new LiveInputReadiness.InputPartition(0, 90_000, 88_000, 87_999L).consumedBefore()).isFalse();
        }

        @Test
        void withNoRecordSinceTheTargetTheGroupMustBeAtTheEnd() {
            assertThat(new LiveInputReadiness.InputPartition(0, 500, -1, 500L).consumedBefore()).as("silent input").isTrue();
            assertThat(new LiveInputReadiness.InputPartition(0, 500, -1, 499L).consumedBefore()).isFalse();
            assertThat(new LiveInputReadiness.InputPartition(0, 500, 500, 500L).consumedBefore()).isTrue();
        }

        @Test
        void aGroupThatNeverCommittedStartsAtTheBeginning() {
            assertThat(new LiveInputReadiness.InputPartition(0, 0, -1, null).consumedBefore()).as("empty").isTrue();
            assertThat(new LiveInputReadiness.InputPartition(40, 40, -1, null).consumedBefore()).as("emptied by retention").isTrue();
            assertThat(new LiveInputReadiness.InputPartition(0, 40, -1, null).consumedBefore()).as("old records").isFalse();
            assertThat(new LiveInputReadiness.InputPartition(0, 40, 0, null).consumedBefore()).as("only new records").isTrue();
        }

        @Test
        void everyPartitionMustBeConsumed() {
            assertThat(LiveInputReadiness.consumedBefore(List.of(new LiveInputReadiness.InputPartition(0, 10, -1, 10L),
                    new LiveInputReadiness.InputPartition(0, 10, 3, 2L)))).isFalse();
            assertThat(LiveInputReadiness.consumedBefore(List.of(new LiveInputReadiness.InputPartition(0, 10, -1, 10L),
                    new LiveInputReadiness.InputPartition(0, 10, 3, 3L)))).isTrue();
            assertThat(LiveInputReadiness.consumedBefore(List.of())).as("no partitions known yet").isFalse();
        }
    }

    /** The rule where it is used: the real monitor under TopologyTestDriver, the readiness on the driver's wall clock. */
    @Nested
    class InTheMonitor {

        private static final Duration TICK = Duration.ofMillis(250);

        private void advance(TopologyFixture topology, Duration d) {
            for (Duration done = Duration.ZERO; done.compareTo(d) < 0; done = done.plus(TICK)) {
                pass(TICK);
                inputConsumed();
                topology.advanceWallClock(TICK, TICK);
            }
        }

        @Test
        void anInstanceThatStopsIsReportedDownWhileOthersKeepTheLagInThousands() {
            lag.put(0, OptionalDouble.of(5000));
            try (TopologyFixture topology = new TopologyFixture(Map.of("heartbeat.timeout", "4s"), readiness)) {
                for (int i = 0; i < 80; i++) { // 20 s
                    Instant at = Instant.ofEpochMilli(now.get() - 300);
                    for (String instance : List.of("chat-1", "chat-2", "chat-3")) {
                        topology.heartbeat(Events.heartbeat("chat", instance, at, 100, "UP"), at);
                    }
                    if (i < 20) {
                        topology.heartbeat(Events.heartbeat("chat", "chat-stops", at, 100, "UP"), at);
                    }
                    advance(topology, TICK);
                }
                assertThat(topology.alerts()).extracting(Alert::kind, Alert::instance)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertKind.INSTANCE_DOWN, "chat-stops"));
            }
        }

        @Test
        void aBacklogMinutesOldGivesNoVerdictThoughEverythingIsFetched() {
            lag.put(0, OptionalDouble.of(0));
            try (TopologyFixture topology = new TopologyFixture(Map.of("heartbeat.timeout", "4s"), readiness)) {
                advance(topology, Duration.ofSeconds(5)); // past the monitor's own start-up wait
                Instant backlog = Instant.ofEpochMilli(now.get()).minus(Duration.ofMinutes(3));
                for (int i = 0; i < 60; i++) { // a minute of old heartbeats, one every second, read 4 a tick
                    Instant at = backlog.plusSeconds(i);
                    topology.heartbeat(Events.heartbeat("chat", "chat-1", at, 1000, "UP"), at);
                    if (i % 4 == 3) {
                        advance(topology, TICK);
                    }
                }
                assertThat(topology.alerts()).as("gaps in a backlog are no outage").isEmpty();
            }
        }
    }

    @Nested
    class HandOverToTheMonitor {

        private final org.apache.kafka.common.TopicPartition p0 = new org.apache.kafka.common.TopicPartition("m", 0);
        private final org.apache.kafka.common.TopicPartition p1 = new org.apache.kafka.common.TopicPartition("m", 1);

        private Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed(
                long c0, long c1) {
            return Map.of(p0, new org.apache.kafka.clients.consumer.OffsetAndMetadata(c0),
                    p1, new org.apache.kafka.clients.consumer.OffsetAndMetadata(c1));
        }

        @Test
        void aBacklogWrittenToTheMonitorsInputButNotYetReadIsNotHandedOver() {
            // a peer died; its input's backlog went to partition 1 of the monitor's input, up to offset 5,000
            Map<org.apache.kafka.common.TopicPartition, long[]> then = Map.of(p0, new long[] {0, 800}, p1, new long[] {0, 5_000});

            assertThat(LiveInputReadiness.handedOver(then, committed(800, 1_200))).isFalse();
            assertThat(LiveInputReadiness.handedOver(then, committed(800, 5_000))).isTrue();
        }

        @Test
        void theCommitMarkerEndingTheDecidedPartIsNeverWaitedFor() {
            Map<org.apache.kafka.common.TopicPartition, long[]> then = Map.of(p0, new long[] {0, 801}, p1, new long[] {0, 0});

            assertThat(LiveInputReadiness.handedOver(then, committed(800, 0))).as("all silent since").isTrue();
            assertThat(LiveInputReadiness.handedOver(then, committed(799, 0))).isFalse();
        }

        @Test
        void aPartitionEmptiedByPurgingOrNeverCommittedCountsFromItsStart() {
            Map<org.apache.kafka.common.TopicPartition, long[]> then = Map.of(p0, new long[] {300, 300});

            assertThat(LiveInputReadiness.handedOver(then, Map.of())).isTrue();
            assertThat(LiveInputReadiness.handedOver(Map.of(p0, new long[] {0, 300}), Map.of())).isFalse();
        }

        @Test
        void aTransactionLeftOpenOnTheMonitorsInputHoldsVerdictsUntilTheBrokerDecidesIt() {
            Map<org.apache.kafka.common.TopicPartition, long[]> then = Map.of(p0, new long[] {0, 500, 800});
            // a peer died with records 500..799 in an open transaction: the decided part stays at 500
            assertThat(LiveInputReadiness.decidedSince(then, Map.of(p0, new long[] {0, 500, 900}))).isFalse();
            // aborted (or committed) since: the decided part has reached where the input ended then
            assertThat(LiveInputReadiness.decidedSince(then, Map.of(p0, new long[] {0, 802, 950}))).isTrue();
            assertThat(LiveInputReadiness.decidedSince(then, Map.of())).as("partition not seen now").isFalse();
        }
    }
}
