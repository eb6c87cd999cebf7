package io.tocsin.errors;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.topology.Events;
import io.tocsin.topology.InputParser;
import io.tocsin.topology.TopologyFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ErrorThrottleTopologyTest {

    private final TopologyFixture topology = new TopologyFixture(Map.of("error.alert.limit", "5", "error.alert.window", "1h",
            "error.alert.grace", "5m", "error.digest.max-delay", "5m"));

    @AfterEach
    void close() {
        topology.close();
    }

    private void occurrence(int n, Instant at) {
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "order " + n + " not found", at, "id-" + at + "-" + n), at);
    }

    @Test
    void shouldAlertAtMostFiveTimesPerWindow() {
        for (int i = 0; i < 7; i++) {
            occurrence(100 + i, T0.plusSeconds(i));
        }

        List<Alert> alerts = topology.alerts();
        assertThat(alerts).hasSize(5).allSatisfy(a -> {
            assertThat(a.kind()).isEqualTo(AlertKind.ERROR);
            assertThat(a.limit()).isEqualTo(5);
            assertThat(a.windowStart()).isEqualTo(T0);
            assertThat(a.windowEnd()).isEqualTo(T0.plus(Duration.ofHours(1)));
        });
        assertThat(alerts).extracting(Alert::occurrence).containsExactly(1, 2, 3, 4, 5);
        assertThat(alerts).extracting(Alert::id).doesNotHaveDuplicates();
        assertThat(alerts).extracting(Alert::key).containsOnly(alerts.get(0).key());
    }

    @Test
    void shouldAlertOnAnEventWhoseLongTagKeyIsCutInsideAnEmoji() {
        // found by DecoderFuzzTest: the cut key held a lone surrogate, and the repartitioned record could not be read
        String json = Events.exception("orders", "java.lang.IllegalStateException", "boom", T0, "id-emoji")
                .replace("\"tags\":{\"region\":\"eu\"}", "\"tags\":{\"" + "k".repeat(63) + "\\ud83d\\ude00\":\"v\"}");

        topology.error(json, T0);

        assertThat(topology.alerts()).hasSize(1);
        assertThat(topology.deadLetters()).isEmpty();
    }

    @Test
    void shouldAlertOnAnEventStampedBefore1970AtItsRecordTime() {
        // found by InputParserFuzzTest: the negative event time made the parse step throw (a Kafka timestamp is >= 0)
        Instant wrongClock = Instant.parse("1969-12-31T23:59:59Z");

        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "boom", wrongClock, "id-1969"), T0);

        List<Alert> alerts = topology.alerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).windowStart()).isEqualTo(T0);
        assertThat(topology.deadLetters()).isEmpty();
    }

    @Test
    void shouldAlertAgainOnceTheWindowHasPassed() {
        for (int i = 0; i < 7; i++) {
            occurrence(i, T0.plusSeconds(i));
        }
        topology.alerts();

        occurrence(8, T0.plus(Duration.ofHours(1)).plusSeconds(1)); // opens window [T0+1h+1s, T0+2h+1s)

        List<Alert> again = topology.alerts();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).occurrence()).isEqualTo(1);
        assertThat(again.get(0).windowStart()).isEqualTo(T0.plus(Duration.ofHours(1)).plusSeconds(1));
    }

    @Test
    void shouldGiveTheSameAlertIdsForTheSameInput() {
        for (int i = 0; i < 3; i++) {
            occurrence(i, T0.plusSeconds(i));
        }
        List<String> first = topology.alerts().stream().map(Alert::id).toList();

        try (TopologyFixture again = new TopologyFixture(Map.of())) {
            for (int i = 0; i < 3; i++) {
                again.error(Events.exception("orders", "java.lang.IllegalStateException", "order " + i + " not found",
                        T0.plusSeconds(i), "other-id-" + i), T0.plusSeconds(i));
            }
            assertThat(again.alerts()).extracting(Alert::id).containsExactlyElementsOf(first);
        }
    }

    @Test
    void shouldKeepDistinctBugsApart() {
        occurrence(1, T0);
        topology.error(Events.exception("orders", "java.lang.NullPointerException", "x", T0, "npe"), T0);

        assertThat(topology.alerts()).extracting(Alert::key).doesNotHaveDuplicates().hasSize(2);
    }

    @Test
    void shouldSendMalformedEventsToDeadLettersWithAReasonAndGoOn() {
        topology.error("{not json", T0);
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "m", T0, "x").replace("\"service\":\"orders\",", ""), T0);
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "m", T0, "y").replace(T0.toString(), "yesterday"), T0);
        occurrence(1, T0);

        List<TestRecord<String, String>> dead = topology.deadLetters();
        assertThat(dead).hasSize(3);
        assertThat(dead).extracting(r -> new String(r.headers().lastHeader(InputParser.REASON_HEADER).value(), StandardCharsets.UTF_8))
                .satisfiesExactly(
                        r -> assertThat(r).startsWith("not valid JSON"),
                        r -> assertThat(r).contains("'service'"),
                        r -> assertThat(r).contains("'timestamp'"));
        assertThat(dead.get(0).value()).isEqualTo("{not json");
        assertThat(topology.alerts()).hasSize(1);
    }

    @Test
    void shouldKeepTheStartOfARefusedRecordTooLargeToBeWrittenWholeAsADeadLetter() {
        // near the broker's limit: with the dead-letter headers on top it could not be sent, and under exactly-once a
        // record the producer refuses fails the task's transaction
        topology.error("{\"type\":\"" + "x".repeat(1_048_000) + "\"}", T0);
        occurrence(1, T0);

        assertThat(topology.deadLetters()).singleElement().satisfies(dead -> {
            assertThat(dead.value()).hasSize(InputParser.DEAD_LETTER_MAX_BYTES).startsWith("{\"type\":\"xxx");
            assertThat(new String(dead.headers().lastHeader(InputParser.CUT_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo("value: first 1000000 of 1048011 bytes kept");
            assertThat(dead.headers().lastHeader(InputParser.REASON_HEADER)).isNotNull();
        });
        assertThat(topology.alerts()).hasSize(1);
    }

    @Test
    void shouldClampAnEventTimeFarAheadOfItsRecordTimeToTheRecordTime() {
        Instant skewed = T0.plus(Duration.ofDays(2));
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "m", skewed, "skew"), T0);

        assertThat(topology.alerts()).singleElement().satisfies(a -> {
            assertThat(a.timestamp()).isEqualTo(T0);
            assertThat(a.windowStart()).isEqualTo(T0);
        });
    }

    private void occurrence(String id, Instant at) {
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "order 1 not found", at, id), at);
    }

    private void otherError(Instant at) {
        topology.error(Events.exception("billing", "java.lang.IllegalArgumentException", "x", at, "other-" + at), at);
    }

    @Test
    void shouldDigestWhatWasSuppressedWhenTheGroupsOwnEventsPassTheWindowEnd() {
        for (int i = 0; i < 7; i++) {
            occurrence("e" + i, T0.plusSeconds(i));
        }
        topology.alerts();

        occurrence("later", T0.plus(Duration.ofMinutes(66))); // the group's own time passes window end + grace (T0+1h+5m)

        List<Alert> digests = topology.alerts().stream().filter(a -> a.kind() == AlertKind.ERROR_DIGEST).toList();
        assertThat(digests).singleElement().satisfies(d -> {
            assertThat(d.suppressed()).isEqualTo(2);
            assertThat(d.text()).startsWith("suppressed 2 more in the last 1h").contains("last seen " + T0.plusSeconds(6));
            assertThat(d.windowStart()).isEqualTo(T0);
        });
    }

    @Test
    void shouldNotCloseAWindowBecauseAnotherErrorsEventsAreNewer() {
        for (int i = 0; i < 7; i++) {
            occurrence("e" + i, T0.plusSeconds(i));
        }
        otherError(T0.plus(Duration.ofHours(3))); // another group, far newer: says nothing about this one's events

        occurrence("e7", T0.plusSeconds(7));
        assertThat(topology.alerts()).filteredOn(a -> a.kind() == AlertKind.ERROR_DIGEST).isEmpty();
        assertThat(topology.errorGroups()).last().satisfies(r -> assertThat(r.value()).contains("\"lateCount\":0"));
    }

    @Test
    void shouldDigestAQuietErrorOnTheWallClockSweep() {
        for (int i = 0; i < 6; i++) {
            occurrence("e" + i, T0.plusSeconds(i));
        }
        topology.alerts();

        topology.advanceWallClock(Duration.ofMinutes(69), Duration.ofSeconds(30));
        assertThat(topology.alerts()).as("not before end + grace + max delay").isEmpty();
        topology.advanceWallClock(Duration.ofMinutes(2), Duration.ofSeconds(1));

        assertThat(topology.alerts()).extracting(Alert::kind, Alert::suppressed).containsExactly(tuple(AlertKind.ERROR_DIGEST, 1L));
    }

    @Test
    void shouldSendNoDigestWhenNothingWasSuppressed() {
        occurrence("only", T0);
        topology.alerts();

        otherError(T0.plus(Duration.ofHours(3)));

        assertThat(topology.alerts()).extracting(Alert::kind).containsOnly(AlertKind.ERROR);
    }

    @Test
    void shouldLandALateEventInTheWindowItsTimeBelongsTo() {
        for (int i = 0; i < 3; i++) {
            occurrence("e" + i, T0.plusSeconds(i));
        }
        occurrence("next-window", T0.plus(Duration.ofHours(1)).plusSeconds(1)); // opens window 2
        occurrence("late", T0.plus(Duration.ofMinutes(30))); // 1 s of stream time after window 1 ended: within grace

        List<Alert> alerts = topology.alerts();
        assertThat(alerts).extracting(Alert::windowStart, Alert::occurrence).containsExactly(
                tuple(T0, 1), tuple(T0, 2), tuple(T0, 3), tuple(T0.plus(Duration.ofHours(1)).plusSeconds(1), 1), tuple(T0, 4));
    }

    @Test
    void shouldCountButNeverAlertAnEventLaterThanTheGrace() {
        occurrence("e0", T0);
        occurrence("next-window", T0.plus(Duration.ofHours(2)));
        topology.advanceWallClock(Duration.ofHours(4), Duration.ofMinutes(1)); // window 2 is long closed
        topology.alerts();
        topology.errorGroups();

        occurrence("very-late", T0.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(10)));

        assertThat(topology.alerts()).isEmpty();
        assertThat(topology.errorGroups()).last().satisfies(r -> assertThat(r.value()).contains("\"lateCount\":1"));
    }

    @Test
    void shouldDropDuplicateEventIds() {
        occurrence("same-id", T0);
        occurrence("same-id", T0); // a replayed agent spool resends it

        assertThat(topology.alerts()).hasSize(1);
        assertThat(topology.errorGroups()).last().satisfies(r -> assertThat(r.value()).contains("\"totalCount\":1"));
    }

    @Test
    void shouldNeverAlertTwiceForAnEventResentLongAfterTheIdsWindowPassed() {
        try (TopologyFixture t = new TopologyFixture(Map.of("error.alert.window", "1h", "error.dedupe.window", "1m"))) {
            t.error(Events.exception("orders", "X", "m", T0, "first"), T0);
            t.error(Events.exception("billing", "Y", "m", T0.plusSeconds(1800), "other"), T0.plusSeconds(1800)); // time moves on
            t.alerts();

            t.error(Events.exception("orders", "X", "m", T0, "first"), T0.plusSeconds(1801)); // the agent resends it

            assertThat(t.alerts()).isEmpty();
            assertThat(t.errorGroups()).filteredOn(r -> r.value().contains("\"service\":\"orders\""))
                    .allSatisfy(r -> assertThat(r.value()).contains("\"totalCount\":1"));
        }
    }

    @Test
    void shouldPublishAGroupThatChangedManyTimesOncePerInterval() {
        try (TopologyFixture t = new TopologyFixture(Map.of("error.groups.publish-interval", "1s"))) {
            for (int i = 0; i < 50; i++) {
                t.error(Events.exception("orders", "X", "m", T0.plusMillis(i), "e" + i), T0.plusMillis(i));
            }
            t.error(Events.exception("billing", "Y", "m", T0, "b"), T0);
            assertThat(t.errorGroups()).isEmpty();

            t.advanceWallClock(Duration.ofSeconds(1), Duration.ofSeconds(1));

            assertThat(t.errorGroups()).hasSize(2).anySatisfy(r -> assertThat(r.value()).contains("\"totalCount\":50"));
            t.advanceWallClock(Duration.ofSeconds(1), Duration.ofSeconds(1));
            assertThat(t.errorGroups()).isEmpty();
        }
    }

    @Test
    void shouldAddUpCountsWithAtMostOneAlertPerEvent() {
        String storm = Events.exception("orders", "java.lang.IllegalStateException", "m", T0, "agg-1");
        topology.error(Events.withCount(storm, 3), T0); // occurrences 1..3: alerts as 3
        topology.error(Events.withCount(storm.replace("agg-1", "agg-2"), 3), T0.plusSeconds(1)); // 4..6: alerts once, as 5
        topology.error(Events.withCount(storm.replace("agg-1", "agg-3"), 100), T0.plusSeconds(2)); // suppressed

        assertThat(topology.alerts()).extracting(Alert::occurrence).containsExactly(3, 5);
        assertThat(topology.errorGroups()).last().satisfies(r -> assertThat(r.value()).contains("\"totalCount\":106"));
    }

    @Test
    void shouldPublishGroupStatisticsWithAScrubbedSample() {
        topology.error(Events.exception("orders", "java.lang.IllegalStateException", "login failed for bob@acme.com", T0, "s1")
                .replace("/orders/123", "/orders/123?token=s3cr3t"), T0);

        TestRecord<String, String> group = topology.errorGroups().get(0);
        assertThat(group.value()).contains("\"totalCount\":1").contains("\"alertsSent\":1")
                .contains("\"instances\":[\"orders-1\"]").doesNotContain("s3cr3t").doesNotContain("bob@acme.com");
        assertThat(topology.sample(group.key())).contains("token=[scrubbed]").doesNotContain("s3cr3t").doesNotContain("bob@acme.com");
        assertThat(topology.alerts()).singleElement().satisfies(a -> assertThat(a.text()).doesNotContain("s3cr3t").doesNotContain("bob@"));
    }

    @Test
    void shouldForgetAGroupIdleLongerThanTheRetention() {
        try (TopologyFixture shortLived = new TopologyFixture(Map.of("error.alert.window", "10s", "error.alert.grace", "0s",
                "error.digest.max-delay", "0s", "error.group.retention", "1m"))) {
            shortLived.error(Events.exception("orders", "X", "m", T0, "a"), T0);
            shortLived.errorGroups();

            shortLived.advanceWallClock(Duration.ofSeconds(75), Duration.ofSeconds(1));

            assertThat(shortLived.errorGroups()).last().satisfies(r -> assertThat(r.value()).isNull());
        }
    }

    @Test
    void shouldCountWhatTheCapKeptQuietAndTheGroupsItHolds() {
        for (int i = 0; i < 7; i++) {
            occurrence(100 + i, T0.plusSeconds(i)); // 5 alert, 2 are suppressed
        }
        topology.error(Events.exception("billing", "java.lang.IllegalStateException", "boom", T0, "b-1"), T0);
        topology.error(Events.exception("billing", "java.lang.IllegalStateException", "boom", T0, "b-1"), T0); // a duplicate

        assertThat(topology.metric("alerts-suppressed-total", "kind", "ERROR")).isEqualTo(2);
        assertThat(topology.metric("duplicate-events-total")).isEqualTo(1);
        assertThat(topology.metric("error-groups")).isEqualTo(2);
    }

    @Test
    void shouldNoLongerCountAGroupOnceForgotten() {
        try (TopologyFixture shortLived = new TopologyFixture(Map.of("error.alert.window", "10s", "error.alert.grace", "0s",
                "error.digest.max-delay", "0s", "error.group.retention", "1m"))) {
            shortLived.error(Events.exception("orders", "X", "m", T0, "a"), T0);
            shortLived.error(Events.exception("billing", "X", "m", T0.plusSeconds(50), "b"), T0.plusSeconds(50));
            assertThat(shortLived.metric("error-groups")).isEqualTo(2);

            shortLived.advanceWallClock(Duration.ofSeconds(75), Duration.ofSeconds(1)); // orders idle past 1m

            assertThat(shortLived.metric("error-groups")).isEqualTo(1);
        }
    }

    @Test
    void shouldStillForgetAGroupWhoseLastSeenALateEventMovedAfterItsWindowClosed() {
        try (TopologyFixture shortLived = new TopologyFixture(Map.of("error.alert.window", "10s", "error.alert.grace", "0s",
                "error.digest.max-delay", "0s", "error.group.retention", "1m"))) {
            shortLived.error(Events.exception("orders", "X", "m", T0, "a"), T0);
            shortLived.advanceWallClock(Duration.ofSeconds(15), Duration.ofSeconds(1)); // closes [T0, T0+10s)
            // late, into the closed window, but after the last occurrence: lastSeen moves to T0+9s
            shortLived.error(Events.exception("orders", "X", "m", T0.plusSeconds(9), "b"), T0.plusSeconds(15));
            shortLived.errorGroups();

            shortLived.advanceWallClock(Duration.ofSeconds(70), Duration.ofSeconds(1)); // past T0+9s + 1m

            assertThat(shortLived.errorGroups()).last().satisfies(r -> assertThat(r.value()).isNull());
        }
    }

    @Test
    void shouldTruncateAbsurdEventsAndStillAlert() {
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            frames.append(i == 0 ? "" : ",").append("{\"className\":\"com.acme.F").append(i).append("\",\"method\":\"m\",\"inApp\":true}");
        }
        String cause = "null";
        for (int i = 0; i < 1000; i++) {
            cause = "{\"type\":\"java.io.IOException\",\"message\":\"c\",\"frames\":[],\"cause\":" + cause + "}";
        }
        String huge = "{\"type\":\"exception\",\"version\":1,\"id\":\"huge\",\"timestamp\":\"" + T0 + "\",\"service\":\"orders\","
                + "\"instance\":\"o-1\",\"environment\":\"prod\",\"exception\":{\"type\":\"X\",\"message\":\"" + "m".repeat(2_000_000)
                + "\",\"frames\":[" + frames + "],\"cause\":" + cause + "}}";

        topology.error(huge, T0);

        assertThat(topology.deadLetters()).isEmpty();
        assertThat(topology.alerts()).singleElement().satisfies(a -> assertThat(a.text()).contains("chars truncated]"));
        assertThat(topology.sample(topology.errorGroups().get(0).key()))
                .contains("49800 more frames").contains("[985 more causes truncated]").hasSizeLessThan(100_000);
    }

    @Test
    void shouldKeepOneWholeEventPerGroupPerSampleIntervalAndQuoteTheSameInAlerts() {
        String deep = Events.exception("orders", "java.lang.IllegalStateException", "boom", T0, "e1")
                .replace("\"cause\":null", "\"cause\":{\"type\":\"java.sql.SQLException\",\"message\":\"timeout\",\"frames\":[]}");
        topology.error(deep, T0);
        topology.error(deep.replace("e1", "e2").replace(T0.toString(), T0.plusSeconds(30).toString()), T0.plusSeconds(30));
        String fingerprint = topology.errorGroups().get(0).key();
        String first = topology.sample(fingerprint);

        topology.error(deep.replace("e1", "e3").replace(T0.toString(), T0.plusSeconds(61).toString()), T0.plusSeconds(61));

        assertThat(first).contains("\"id\":\"e1\"").contains("java.sql.SQLException").contains("DispatcherServlet");
        assertThat(topology.sample(fingerprint)).contains("\"id\":\"e3\"").contains("java.sql.SQLException");
        // e2 travelled cut (no cause, no framework frames), yet its alert says what the whole event's alerts say
        List<String> texts = topology.alerts().stream().map(Alert::text).toList();
        assertThat(texts).hasSize(3).containsOnly(texts.get(0));
        assertThat(texts.get(0)).contains("at com.acme.OrderService.find:42").contains("request: GET /orders/123");
    }

    /** Twelve occurrences of one error and four of another, 10 s apart, starting at {@code start}. */
    private static void incident(TopologyFixture t, Instant start, Duration arrivalGap) {
        for (int i = 0; i < 12; i++) {
            Instant at = start.plusSeconds(10L * i);
            t.error(Events.exception("orders", "java.lang.IllegalStateException", "order " + i + " not found", at, "a-" + i), at);
            if (i < 4) {
                t.error(Events.exception("orders", "java.lang.IllegalArgumentException", "bad " + i, at.plusSeconds(5), "b-" + i), at.plusSeconds(5));
            }
            t.advanceWallClock(arrivalGap, arrivalGap);
        }
    }

    @Test
    void shouldThrottleOldEventsArrivingInOrderExactlyAsIfTheyCameOnTime() {
        Map<String, String> settings = Map.of("error.alert.limit", "5", "error.alert.window", "1h", "error.alert.grace", "5m",
                "error.digest.max-delay", "5m");
        List<Alert> onTime;
        try (TopologyFixture live = new TopologyFixture(settings)) {
            incident(live, T0, Duration.ofSeconds(10)); // wall clock keeps pace with the events
            live.advanceWallClock(Duration.ofHours(2), Duration.ofMinutes(1));
            onTime = live.alerts();
        }
        try (TopologyFixture catchingUp = new TopologyFixture(settings)) {
            catchingUp.advanceWallClock(Duration.ofHours(2), Duration.ofMinutes(1)); // the events are two hours old
            incident(catchingUp, T0, Duration.ofMillis(200));
            catchingUp.advanceWallClock(Duration.ofMinutes(6), Duration.ofSeconds(1));
            List<Alert> late = catchingUp.alerts();

            assertThat(late).filteredOn(a -> a.kind() == AlertKind.ERROR).hasSize(9);
            assertThat(late).filteredOn(a -> a.kind() == AlertKind.ERROR_DIGEST).singleElement()
                    .satisfies(d -> assertThat(d.suppressed()).isEqualTo(7));
            assertThat(late).extracting(Alert::id).containsExactlyInAnyOrderElementsOf(onTime.stream().map(Alert::id).toList());
        }
    }

    @Test
    void shouldThrottleAnOldErrorLikeAnOnTimeOneWhileOtherErrorsArriveOnTime() {
        Instant now = T0.plus(Duration.ofHours(2));
        topology.advanceWallClock(Duration.ofHours(2), Duration.ofMinutes(1));
        for (int i = 0; i < 12; i++) {
            Instant old = T0.plusSeconds(10L * i);
            topology.error(Events.exception("orders", "java.lang.IllegalStateException", "old " + i, old, "old-" + i), old);
            Instant fresh = now.plusSeconds(i);
            topology.error(Events.exception("billing", "java.lang.IllegalArgumentException", "new " + i, fresh, "new-" + i), fresh);
            topology.advanceWallClock(Duration.ofSeconds(1), Duration.ofSeconds(1));
        }

        assertThat(topology.alerts()).filteredOn(a -> a.service().equals("orders") && a.kind() == AlertKind.ERROR)
                .extracting(Alert::occurrence).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void shouldCountAnOccurrenceOlderThanGraceAsLateAndSayItInTheDigest() {
        for (int i = 0; i < 6; i++) {
            occurrence(i, T0.plusSeconds(60L * i));
        }
        occurrence(99, T0.minus(Duration.ofMinutes(10))); // ten minutes before anything the group has seen
        topology.advanceWallClock(Duration.ofHours(1).plusMinutes(11), Duration.ofMinutes(1));

        assertThat(topology.alerts()).filteredOn(a -> a.kind() == AlertKind.ERROR_DIGEST).singleElement()
                .satisfies(d -> assertThat(d.text()).contains("1 more arrived too late to count in their window"));
    }

    @Test
    void shouldNotCloseAWindowByTheWallClockWhileTheTaskWorksThroughABacklog() {
        // Tocsin was down for hours and catches up slowly: this error's occurrences are 10 minutes apart in the
        // backlog, with other errors between them, and 6 minutes of processing pass between each two of them
        topology.advanceWallClock(Duration.ofHours(3), Duration.ofMinutes(1));
        for (int i = 0; i < 6; i++) {
            Instant at = T0.plus(Duration.ofMinutes(10L * i));
            occurrence(i, at);
            for (int s = 0; s < 360; s += 5) {
                Instant other = at.plusSeconds(s);
                topology.error(Events.exception("billing", "java.lang.IllegalArgumentException", "x", other, "o-" + i + "-" + s), other);
                topology.advanceWallClock(Duration.ofSeconds(5), Duration.ofSeconds(1));
            }
        }

        assertThat(topology.alerts()).filteredOn(a -> a.service().equals("orders"))
                .extracting(Alert::kind, Alert::occurrence).containsExactly(
                        tuple(AlertKind.ERROR, 1), tuple(AlertKind.ERROR, 2), tuple(AlertKind.ERROR, 3),
                        tuple(AlertKind.ERROR, 4), tuple(AlertKind.ERROR, 5));
    }
}
