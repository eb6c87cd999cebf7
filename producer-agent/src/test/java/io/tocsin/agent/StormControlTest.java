package io.tocsin.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StormControlTest {

    private final AgentCounters counters = new AgentCounters();
    private final StormControl storm = new StormControl(10, 1000, 2, counters);

    private static IllegalStateException sameBug() {
        return new IllegalStateException("same");
    }

    @Test
    void shouldPassTheFirstBurstAndFoldTheRestIntoOneCountedEventPerWindow() {
        List<StormControl.Occurrence> events = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            events.addAll(storm.offer(sameBug(), Capture.NONE, i / 10)); // 10,000 within one second
        }
        assertThat(events).hasSize(10).allMatch(o -> o.count() == 1);

        List<StormControl.Occurrence> flushed = storm.flush(1000, false);

        assertThat(flushed).singleElement().satisfies(o -> assertThat(o.count()).isEqualTo(9_990));
        assertThat(events.size() + flushed.get(0).count()).as("every occurrence accounted for").isEqualTo(10_000);
        assertThat(counters.getAggregated()).isEqualTo(9_990);
    }

    @Test
    void shouldKeepDifferentBugsApartAndNeverHideANewOneWhenTheKeyTableIsFull() {
        storm.offer(new IllegalStateException(), Capture.NONE, 0);
        storm.offer(new IllegalArgumentException(), Capture.NONE, 0);

        UnsupportedOperationException newBug = new UnsupportedOperationException("new");
        assertThat(storm.offer(newBug, Capture.NONE, 0)).singleElement()
                .satisfies(o -> assertThat(o.throwable()).isSameAs(newBug));
        assertThat(counters.getDroppedTotal()).isZero();
    }

    @Test
    void shouldOpenANewWindowAfterTheOldOneFlushed() {
        for (int i = 0; i < 12; i++) {
            storm.offer(sameBug(), Capture.NONE, 0);
        }
        storm.flush(1000, false);

        assertThat(storm.offer(sameBug(), Capture.NONE, 1001)).hasSize(1);
    }
}
