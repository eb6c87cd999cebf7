package io.tocsin.topology;

import static io.tocsin.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.fuzz.Decoders;
import io.tocsin.fuzz.FuzzEvents;
import io.tocsin.fuzz.FuzzJson;
import io.tocsin.fuzz.FuzzLifecycle;
import io.tocsin.fuzz.HangGuard;
import io.tocsin.fuzz.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The fuzz inputs of {@link DecoderFuzzTest}, through the real topology: every input record either goes on (and
 * whatever the topology then writes is readable) or becomes exactly one dead letter whose reason is the decoder's,
 * and piping it never throws. This also holds the test's decoders to the ones {@link AlertTopology} really uses.
 */
@AddLifecycleHook(FuzzLifecycle.class)
class InputParserFuzzTest implements FuzzLifecycle.Guarded, AutoCloseable {

    private final Decoders decoders = new Decoders();
    private final HangGuard guard = new HangGuard();
    private final TopologyFixture topology = new TopologyFixture(Map.of());

    @Override
    public HangGuard guard() {
        return guard;
    }

    @Override
    public void close() {
        topology.close();
        guard.close();
    }

    @Property
    void anErrorRecordGoesOnOrBecomesOneDeadLetterWithTheDecodersReason(@ForAll("errorInputs") byte[] raw) throws Exception {
        Verdict<?> verdict = Verdict.of(guard, decoders.exceptions(), raw);

        guard.run(() -> {
            topology.error(raw, T0);
            return null;
        });

        assertDeadLetters(verdict);
        assertThat(topology.alerts()).isNotNull(); // every alert written is readable (the fixture parses each)
    }

    @Property
    void aHeartbeatRecordGoesOnOrBecomesOneDeadLetterWithTheDecodersReason(@ForAll("heartbeatInputs") byte[] raw) throws Exception {
        Verdict<?> verdict = Verdict.of(guard, decoders.heartbeats(), raw);

        guard.run(() -> {
            topology.heartbeat(raw, T0);
            return null;
        });

        assertDeadLetters(verdict);
    }

    private void assertDeadLetters(Verdict<?> verdict) {
        List<TestRecord<String, String>> dead = topology.deadLetters();
        if (verdict.accepted()) {
            assertThat(dead).isEmpty();
        } else {
            assertThat(dead).hasSize(1);
            Header reason = dead.get(0).headers().lastHeader(InputParser.REASON_HEADER);
            // the header is the reason in UTF-8, where a lone surrogate quoted from the input becomes '?'
            assertThat(reason.value()).isEqualTo(verdict.refusal().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Provide
    Arbitrary<byte[]> errorInputs() {
        return FuzzJson.anyInput(Arbitraries.frequencyOf(
                Tuple.of(4, FuzzEvents.validExceptionEvents()), Tuple.of(1, FuzzEvents.hostileExceptionEvents())));
    }

    @Provide
    Arbitrary<byte[]> heartbeatInputs() {
        return FuzzJson.anyInput(FuzzEvents.validHeartbeats());
    }
}
