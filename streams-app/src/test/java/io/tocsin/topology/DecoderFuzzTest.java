package io.tocsin.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.fuzz.Decoders;
import io.tocsin.fuzz.FuzzEvents;
import io.tocsin.fuzz.FuzzJson;
import io.tocsin.fuzz.FuzzLifecycle;
import io.tocsin.fuzz.HangGuard;
import io.tocsin.fuzz.Verdict;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Limits;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the decoders of both input topics ({@link EventLimits#bound} over {@code EventCodec.parseException}, and
 * {@code parseHeartbeat}) with any bytes, JSON token soup, valid events mutated or cut short, and cause chains
 * thousands deep. Every input gives either an event within the contract and {@link Limits}, or an
 * {@code InvalidEventException} with a reason (what {@link InputParser} puts on the dead letter); nothing else is
 * thrown, and no single decode runs longer than {@link HangGuard}'s bound.
 */
@AddLifecycleHook(FuzzLifecycle.class)
class DecoderFuzzTest implements FuzzLifecycle.Guarded {

    /** What a Kafka record may weigh by default: the bounded event must stay under it, JSON escapes included. */
    private static final int RECORD_MAX_BYTES = 1024 * 1024;
    private static final int CODEC_MAX_NESTING = 10_000;

    private final Decoders decoders = new Decoders();
    private final EventCodec codec = new EventCodec();
    private final HangGuard guard = new HangGuard();

    @Override
    public HangGuard guard() {
        return guard;
    }

    @Property
    void anyBytesGiveAnEventWithinLimitsOrAReason(@ForAll("anyBytes") byte[] raw) throws Exception {
        expectEventWithinLimitsOrReason(raw);
    }

    @Property
    void jsonTokenSoupGivesAnEventWithinLimitsOrAReason(@ForAll("tokenSoup") byte[] raw) throws Exception {
        expectEventWithinLimitsOrReason(raw);
    }

    @Property
    void mutatedExceptionEventsGiveAnEventWithinLimitsOrAReason(@ForAll("mutatedExceptionEvents") byte[] raw) throws Exception {
        expectEventWithinLimitsOrReason(raw);
    }

    @Property
    void mutatedHeartbeatsGiveAHeartbeatOrAReason(@ForAll("mutatedHeartbeats") byte[] raw) throws Exception {
        expectEventWithinLimitsOrReason(raw);
    }

    @Property
    void eventsPastEveryLimitAreCutToFitOrRefusedWithAReason(@ForAll("hostileExceptionEvents") ExceptionEvent hostile) throws Exception {
        Verdict<ExceptionEvent> verdict = Verdict.of(guard, decoders.exceptions(), FuzzJson.json(hostile));

        if (verdict.accepted()) {
            assertWithinLimits(verdict.event());
        } else {
            assertThat(verdict.refusal()).contains("larger than");
        }
    }

    @Property
    void aValidExceptionEventComesBackUnchanged(@ForAll("validExceptionEvents") ExceptionEvent event) throws Exception {
        Verdict<ExceptionEvent> verdict = Verdict.of(guard, decoders.exceptions(), FuzzJson.json(event));

        assertThat(verdict.refusal()).isNull();
        assertThat(verdict.event()).isEqualTo(event);
    }

    @Property
    void aValidHeartbeatComesBackUnchanged(@ForAll("validHeartbeats") HeartbeatEvent heartbeat) throws Exception {
        Verdict<HeartbeatEvent> verdict = Verdict.of(guard, decoders.heartbeats(), FuzzJson.json(heartbeat));

        assertThat(verdict.refusal()).isNull();
        assertThat(verdict.event()).isEqualTo(heartbeat);
    }

    @Property
    void aValidEventCutShortIsRefusedWithAReason(@ForAll("truncatedEvents") byte[] raw) throws Exception {
        Verdict<ExceptionEvent> asException = Verdict.of(guard, decoders.exceptions(), raw);
        Verdict<HeartbeatEvent> asHeartbeat = Verdict.of(guard, decoders.heartbeats(), raw);

        assertThat(asException.refusal()).isNotBlank();
        assertThat(asHeartbeat.refusal()).isNotBlank();
    }

    /** Below the codec's nesting limit every depth is read and cut to {@link Limits#MAX_CAUSE_DEPTH}, beyond it refused. */
    @Property
    void aCauseChainOfAnyDepthIsCutToTheLimitOrRefusedAsTooDeep(@ForAll("validExceptionEvents") ExceptionEvent event,
                                                                 @ForAll("depths") int depth) throws Exception {
        Verdict<ExceptionEvent> verdict = Verdict.of(guard, decoders.exceptions(), FuzzJson.withCauseChain(event, depth));

        if (depth > CODEC_MAX_NESTING - 10 && !verdict.accepted()) {
            assertThat(verdict.refusal()).contains("nesting depth");
            return;
        }
        assertThat(verdict.refusal()).isNull();
        assertWithinLimits(verdict.event());
        int kept = Math.min(depth, Limits.MAX_CAUSE_DEPTH);
        ExceptionInfo last = lastOf(verdict.event().exception(), kept);
        if (depth > kept) {
            assertThat(last.cause().type()).isEqualTo(Limits.TRUNCATED_TYPE);
            assertThat(last.cause().message()).isEqualTo(Limits.moreCausesMessage(depth - kept));
        } else {
            assertThat(last.cause()).isNull();
        }
    }

    private void expectEventWithinLimitsOrReason(byte[] raw) throws Exception {
        Verdict<ExceptionEvent> asException = Verdict.of(guard, decoders.exceptions(), raw);
        Verdict<HeartbeatEvent> asHeartbeat = Verdict.of(guard, decoders.heartbeats(), raw);

        if (asException.accepted()) {
            assertWithinLimits(asException.event());
        } else {
            assertThat(asException.refusal()).isNotBlank();
        }
        if (asHeartbeat.accepted()) {
            assertWithinContract(asHeartbeat.event());
        } else {
            assertThat(asHeartbeat.refusal()).isNotBlank();
        }
    }

    private static ExceptionInfo lastOf(ExceptionInfo top, int depth) {
        ExceptionInfo x = top;
        for (int i = 1; i < depth; i++) {
            x = x.cause();
        }
        return x;
    }

    private void assertWithinLimits(ExceptionEvent e) throws java.io.IOException {
        assertThat(e).isNotNull();
        assertThat(e.type()).isEqualTo(ExceptionEvent.TYPE);
        assertNames(e.id(), e.service(), e.instance(), e.environment());
        assertThat(e.service()).doesNotContain("/");
        assertThat(e.timestamp()).isNotNull();
        assertThat(e.count()).isPositive();
        int depth = 0;
        for (ExceptionInfo x = e.exception(); x != null; x = x.cause()) {
            depth++;
            assertWithinLimits(x);
        }
        assertThat(depth).isBetween(1, Limits.MAX_CAUSE_DEPTH + 1);
        assertThat(e.tags()).hasSizeLessThanOrEqualTo(Limits.MAX_TAGS + 1);
        if (e.fingerprint() != null) {
            assertThat(e.fingerprint()).isNotEmpty().hasSizeLessThanOrEqualTo(Limits.MAX_FINGERPRINT_PARTS).doesNotContainNull();
        }
        assertThat(EventLimits.estimatedBytes(e)).isLessThanOrEqualTo(Limits.MAX_EVENT_BYTES);
        byte[] written = codec.write(e);
        assertThat(written.length).isLessThanOrEqualTo(RECORD_MAX_BYTES);
        // the topology writes the event into its repartitioned and stored records and reads it back (JsonSerde)
        assertThat(codec.mapper().readValue(written, ExceptionEvent.class)).isEqualTo(e);
    }

    private static void assertWithinLimits(ExceptionInfo x) {
        assertThat(x.type()).isNotBlank().hasSizeLessThanOrEqualTo(Limits.MAX_TEXT_CHARS + 1);
        if (x.message() != null) {
            assertThat(x.message().length()).isLessThanOrEqualTo(Limits.MAX_MESSAGE_CHARS + 64);
        }
        assertThat(x.frames()).hasSizeLessThanOrEqualTo(Limits.MAX_FRAMES + 1).allSatisfy(f -> {
            assertThat(f.className()).isNotBlank().hasSizeLessThanOrEqualTo(Limits.MAX_TEXT_CHARS + 1);
            assertThat(f.method()).isNotBlank().hasSizeLessThanOrEqualTo(Limits.MAX_TEXT_CHARS + 1);
        });
    }

    private static void assertWithinContract(HeartbeatEvent h) {
        assertThat(h).isNotNull();
        assertThat(h.type()).isEqualTo(HeartbeatEvent.TYPE);
        assertNames(h.service(), h.instance(), h.environment());
        assertThat(h.service()).doesNotContain("/");
        assertThat(h.timestamp()).isNotNull();
        assertThat(h.intervalMs()).isPositive();
        assertThat(h.status()).isNotNull();
        assertThat(h.load()).hasSizeLessThanOrEqualTo(Limits.MAX_LOAD_FIGURES);
        if (h.agent() != null) {
            assertThat(h.agent()).hasSizeLessThanOrEqualTo(Limits.MAX_AGENT_COUNTERS);
        }
        if (h.address() != null) {
            assertThat(h.address()).hasSizeLessThanOrEqualTo(Limits.MAX_NAME_CHARS);
        }
    }

    private static void assertNames(String... names) {
        assertThat(names).allSatisfy(n -> assertThat(n).isNotBlank().hasSizeLessThanOrEqualTo(Limits.MAX_NAME_CHARS));
    }

    @Provide
    Arbitrary<Integer> depths() {
        return FuzzJson.sizes().filter(depth -> depth > 0);
    }

    @Provide
    Arbitrary<byte[]> anyBytes() {
        return FuzzJson.anyBytes();
    }

    @Provide
    Arbitrary<byte[]> tokenSoup() {
        return FuzzJson.tokenSoup();
    }

    @Provide
    Arbitrary<byte[]> mutatedExceptionEvents() {
        return FuzzJson.mutated(Arbitraries.frequencyOf(
                Tuple.of(4, FuzzEvents.validExceptionEvents()), Tuple.of(1, FuzzEvents.hostileExceptionEvents())));
    }

    @Provide
    Arbitrary<byte[]> mutatedHeartbeats() {
        return FuzzJson.mutated(FuzzEvents.validHeartbeats());
    }

    @Provide
    Arbitrary<ExceptionEvent> hostileExceptionEvents() {
        return FuzzEvents.hostileExceptionEvents();
    }

    @Provide
    Arbitrary<ExceptionEvent> validExceptionEvents() {
        return FuzzEvents.validExceptionEvents();
    }

    @Provide
    Arbitrary<HeartbeatEvent> validHeartbeats() {
        return FuzzEvents.validHeartbeats();
    }

    @Provide
    Arbitrary<byte[]> truncatedEvents() {
        return Arbitraries.oneOf(FuzzJson.truncated(FuzzEvents.validExceptionEvents()), FuzzJson.truncated(FuzzEvents.validHeartbeats()));
    }
}
