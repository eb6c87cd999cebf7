package io.tocsin.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuppressionTest {

    @Test
    void eachKindKeepsTodaysWireFormAndReadsBackAsItself() {
        List<Suppression> all = List.of(new Suppression.BySilence("s-1"), new Suppression.ByMaintenance("deploy"),
                new Suppression.ByInhibition("0123abcd"));

        assertThat(all).extracting(Suppression::encoded).containsExactly("silence:s-1", "maintenance:deploy", "inhibited:0123abcd");
        all.forEach(s -> assertThat(Suppression.parse(s.encoded())).contains(s));
    }

    @Test
    void aRoutedAlertCarriesItsSuppressionOnTheWireAndBack() throws Exception {
        Alert alert = Alert.availability("id-1", AlertKind.INSTANCE_DOWN, new Alert.Subject("chat/chat-1", "chat", "prod", "chat-1"),
                Instant.EPOCH, "chat/chat-1 is down", "no heartbeat");
        EventCodec codec = new EventCodec();

        Alert held = codec.parseAlert(codec.write(alert.routed("ops", Optional.of(new Suppression.ByInhibition("root")))));
        Alert posted = codec.parseAlert(codec.write(alert.routed("ops", Optional.empty())));

        assertThat(held.silenced()).isTrue();
        assertThat(held.silencedBy()).isEqualTo("inhibited:root");
        assertThat(held.suppression()).contains(new Suppression.ByInhibition("root"));
        assertThat(posted.silenced()).isFalse();
        assertThat(posted.suppression()).isEmpty();
    }

    @Test
    void nothingOrAnUnknownFormIsNoSuppression() {
        assertThat(Suppression.parse(null)).isEmpty();
        assertThat(Suppression.parse("snoozed:1")).isEmpty();
        assertThat(Suppression.parse("silence")).isEmpty();
    }
}
