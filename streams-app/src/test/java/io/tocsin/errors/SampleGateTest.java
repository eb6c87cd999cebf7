package io.tocsin.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleGateTest {

    @Test
    void letsTheFirstEventOfAGroupThroughWholeThenOnePerInterval() {
        SampleGate gate = new SampleGate(60_000, 100);

        assertThat(gate.sample("a", 0)).isTrue();
        assertThat(gate.sample("a", 59_999)).isFalse();
        assertThat(gate.sample("b", 59_999)).isTrue();
        assertThat(gate.sample("a", 60_000)).isTrue();
        assertThat(gate.sample("a", 60_001)).isFalse();
    }

    @Test
    void anEventOlderThanTheLastSampleIsNotASample() {
        SampleGate gate = new SampleGate(60_000, 100);
        gate.sample("a", 1_000_000);

        assertThat(gate.sample("a", 0)).isFalse();
    }

    @Test
    void forgetsTheLeastRecentlySeenGroupBeyondItsCapacity() {
        SampleGate gate = new SampleGate(60_000, 2);
        gate.sample("a", 0);
        gate.sample("b", 0);
        gate.sample("a", 1); // a seen again: b is now the least recent
        gate.sample("c", 0);

        assertThat(gate.sample("a", 2)).isFalse();
        assertThat(gate.sample("b", 2)).isTrue();
    }

    @Test
    void anIntervalOfZeroKeepsEveryEventWhole() {
        SampleGate gate = new SampleGate(0, 100);

        assertThat(gate.sample("a", 5)).isTrue();
        assertThat(gate.sample("a", 5)).isTrue();
    }

    @Test
    void aCutEventKeepsWhatAnAlertQuotesAndDropsTheRest() {
        List<Frame> frames = List.of(frame("org.framework.A", false), frame("com.acme.One", true), frame("org.framework.B", false),
                frame("com.acme.Two", true), frame("com.acme.Three", true), frame("com.acme.Four", true));
        ExceptionEvent whole = new ExceptionEvent("exception", 1, "id-1", Instant.EPOCH, "orders", "o-1", "prod", "RUNTIME",
                new ExceptionInfo("X", "boom", frames, new ExceptionInfo("Cause", "deep", frames, null)), null,
                Map.of("region", "eu"), List.of("custom"), 7);

        ExceptionEvent cut = SampleGate.cut(whole);

        assertThat(cut.exception().frames()).extracting(Frame::className).containsExactly("com.acme.One", "com.acme.Two", "com.acme.Three");
        assertThat(cut.exception().cause()).isNull();
        assertThat(cut.fingerprint()).isNull();
        assertThat(cut).usingRecursiveComparison().ignoringFields("exception", "fingerprint").isEqualTo(whole);
        assertThat(cut.exception().message()).isEqualTo("boom");
    }

    private static Frame frame(String className, boolean inApp) {
        return new Frame(className, "m", className + ".java", 1, inApp);
    }
}
