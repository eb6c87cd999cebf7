package io.tocsin.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Limits;
import io.tocsin.model.RequestInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an event near the broker's size limit becomes: every field bounded, the whole small enough to write again. */
class EventLimitsTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void anEventWithEveryFieldHugeIsCutToFitAndSaysWhatWasCut() throws Exception {
        ExceptionEvent hostile = hostile(16, 2_000, 5_000);

        ExceptionEvent bounded = EventLimits.bound(hostile);

        assertThat(codec.write(bounded).length).isLessThanOrEqualTo(Limits.MAX_EVENT_BYTES);
        assertThat(bounded.tags()).hasSize(Limits.MAX_TAGS + 1).containsEntry("tocsin.truncated", (1_000 - Limits.MAX_TAGS) + " more tags");
        assertThat(bounded.request().url()).hasSize(Limits.MAX_URL_CHARS + 1).endsWith("…");
        assertThat(bounded.fingerprint()).hasSize(Limits.MAX_FINGERPRINT_PARTS);
        assertThat(bounded.exception().type()).hasSize(Limits.MAX_TEXT_CHARS + 1);
        Frame last = bounded.exception().frames().get(bounded.exception().frames().size() - 1);
        assertThat(last.className()).isEqualTo(Limits.TRUNCATED_TYPE);
        int kept = bounded.exception().frames().size() - 1;
        assertThat(last.method()).isEqualTo((2_000 - kept) + " more frames");
        assertThat(bounded.exception().frames().get(0).className()).hasSize(Limits.MAX_TEXT_CHARS + 1);
    }

    @Test
    void anOrdinaryEventIsLeftAsItIs() throws Exception {
        ExceptionEvent ordinary = hostile(2, 40, 40);
        ExceptionEvent small = new ExceptionEvent(ordinary.type(), ordinary.version(), ordinary.id(), ordinary.timestamp(),
                ordinary.service(), ordinary.instance(), ordinary.environment(), ordinary.category(), ordinary.exception(),
                new RequestInfo("GET", "/orders/1"), Map.of("region", "eu"), null, 1);

        assertThat(EventLimits.bound(small)).isEqualTo(small);
    }

    @Test
    void anEventThatCannotBeCutSmallEnoughIsRefusedWithTheReason() {
        // thousands of frames are cut; 16 maximal messages and names still fit, so only a broken estimate could refuse
        // here: the refusal path is for events whose remaining parts (already bounded each) still exceed the budget
        assertThatThrownBy(() -> EventLimits.bound(hostileWithMessages(64)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("larger than");
    }

    @Test
    void aTagKeyCutInTheMiddleOfACharacterBeyondTheBmpCanStillBeWrittenAndReadBack() throws Exception {
        // found by DecoderFuzzTest: a cut between the two UTF-16 halves of an emoji left a lone surrogate in a JSON
        // name, which Jackson writes but refuses to read, so the topology's own repartitioned record was unreadable
        String key = "k".repeat(63) + "\ud83d\ude00" + "-and-more";
        ExceptionEvent event = hostile(1, 1, 10);
        ExceptionEvent tagged = new ExceptionEvent(event.type(), event.version(), event.id(), event.timestamp(), event.service(),
                event.instance(), event.environment(), event.category(), event.exception(), null, Map.of(key, "v"), null, 1);

        ExceptionEvent bounded = EventLimits.bound(tagged);

        assertThat(bounded.tags()).containsOnlyKeys("k".repeat(63) + "…");
        assertThat(codec.mapper().readValue(codec.write(bounded), ExceptionEvent.class)).isEqualTo(bounded);
    }

    @Test
    void aMessageIsNeverCutBetweenTheTwoHalvesOfACharacter() throws Exception {
        String message = "m".repeat(Limits.MAX_MESSAGE_CHARS - 1) + "\ud83d\ude00";
        ExceptionEvent event = hostile(1, 1, 10);
        ExceptionEvent long1 = new ExceptionEvent(event.type(), event.version(), event.id(), event.timestamp(), event.service(),
                event.instance(), event.environment(), event.category(),
                new ExceptionInfo("E", message, List.of(), null), null, null, null, 1);

        String cut = EventLimits.bound(long1).exception().message();

        assertThat(cut).startsWith("m".repeat(Limits.MAX_MESSAGE_CHARS - 1) + "…");
    }

    private static ExceptionEvent hostile(int depth, int frames, int nameChars) {
        ExceptionInfo chain = null;
        for (int d = 0; d < depth; d++) {
            List<Frame> fs = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                fs.add(new Frame("com.acme." + "C".repeat(nameChars) + i, "m".repeat(nameChars), "F.java", i, i % 2 == 0));
            }
            chain = new ExceptionInfo("com.acme." + "E".repeat(nameChars), "x".repeat(Limits.MAX_MESSAGE_CHARS), fs, chain);
        }
        Map<String, String> tags = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            tags.put("tag" + i, "v".repeat(nameChars));
        }
        List<String> fingerprint = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fingerprint.add("part".repeat(nameChars / 4 + 1));
        }
        return new ExceptionEvent("exception", 1, "hostile-1", Instant.parse("2026-11-24T08:00:00Z"), "orders", "orders-1",
                "prod", "RUNTIME", chain, new RequestInfo("GET", "/" + "u".repeat(1_000_000)), tags, fingerprint, 1);
    }

    /** A chain deeper than the codec lets through, each with maximal text: only what the budget cannot hold. */
    private static ExceptionEvent hostileWithMessages(int depth) {
        ExceptionInfo chain = null;
        for (int d = 0; d < depth; d++) {
            chain = new ExceptionInfo("E".repeat(Limits.MAX_TEXT_CHARS), "x".repeat(Limits.MAX_MESSAGE_CHARS), List.of(), chain);
        }
        return new ExceptionEvent("exception", 1, "hostile-2", Instant.parse("2026-11-24T08:00:00Z"), "orders", "orders-1",
                "prod", "RUNTIME", chain, null, null, null, 1);
    }
}
