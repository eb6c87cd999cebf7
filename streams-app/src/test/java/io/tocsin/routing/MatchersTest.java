package io.tocsin.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MatchersTest {

    @Test
    void aKeyMatcherSelectsOneErrorGroupAndNotTheRestOfItsService() {
        Matchers oneGroup = new Matchers(Map.of("service", Set.of("orders"), "key", Set.of("v2-abc")));
        Map<String, String> thatGroup = Map.of("service", "orders", "environment", "prod", "key", "v2-abc", "kind", "ERROR");
        Map<String, String> anotherGroup = Map.of("service", "orders", "environment", "prod", "key", "v2-def", "kind", "ERROR");

        assertThat(oneGroup.matches(thatGroup::get)).isTrue();
        assertThat(oneGroup.matches(anotherGroup::get)).isFalse();
    }

    @Test
    void aFieldTheAlertDoesNotCarryNeverMatches() {
        Matchers byInstance = new Matchers(Map.of("instance", Set.of("orders-1")));
        assertThat(byInstance.matches(Map.of("service", "orders", "kind", "ERROR")::get)).isFalse();
    }
}
