package io.tocsin.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlownessTest {

    @Test
    void autoOrBlankMeansCalibrate() {
        assertThat(Slowness.parse(null)).isNull();
        assertThat(Slowness.parse(" ")).isNull();
        assertThat(Slowness.parse("AUTO")).isNull();
    }

    @Test
    void aFixedFactorIsTakenAsGiven() {
        assertThat(Slowness.parse("3")).isEqualTo(3.0);
        assertThat(Slowness.parse(" 2.5 ")).isEqualTo(2.5);
    }

    @Test
    void aFactorBelowOneOrNotANumberNamesTheProperty() {
        assertThatThrownBy(() -> Slowness.parse("0.5")).hasMessageContaining(Slowness.PROPERTY);
        assertThatThrownBy(() -> Slowness.parse("fast")).hasMessageContaining(Slowness.PROPERTY).hasMessageContaining("'fast'");
    }

    @Test
    void aCalibratedFactorStaysWithinItsBounds() {
        assertThat(Slowness.clamp(0.3)).isEqualTo(Slowness.MIN);
        assertThat(Slowness.clamp(55)).isEqualTo(Slowness.MAX);
        assertThat(Slowness.clamp(2.5)).isEqualTo(2.5);
        assertThat(Slowness.calibrationRoundMs()).isPositive();
    }
}
