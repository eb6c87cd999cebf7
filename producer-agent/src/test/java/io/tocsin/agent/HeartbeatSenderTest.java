package io.tocsin.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class HeartbeatSenderTest {

    @Test
    void aFigureThatIsNotAFiniteNumberIsLeftOutAndTheOthersGo() {
        Map<String, DoubleSupplier> figures = new LinkedHashMap<>();
        figures.put("connections", () -> 12);
        figures.put("ratio", () -> 0.0 / 0.0);
        figures.put("rate", () -> 1.0 / 0.0);
        figures.put("broken", () -> {
            throw new IllegalStateException("hostile load figure");
        });
        figures.put("queue", () -> -3.5);

        assertThat(HeartbeatSender.figures(figures)).containsExactly(Map.entry("connections", 12.0), Map.entry("queue", -3.5));
    }
}
