package io.tocsin.api;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One instance's share of a merged answer: the store partitions it read and what it found there. The merging side
 * checks that the shares cover every partition exactly once, so an answer given while partitions move between
 * instances is complete or refused, never short or doubled.
 *
 * @param total how many partitions the store has
 */
record LocalPart<T>(Set<Integer> partitions, int total, List<T> items) {

    /** Carries {@link #partitions} beside the JSON list of a {@code scope=local} answer. */
    static final String HEADER = "Tocsin-Partitions";

    LocalPart {
        partitions = Set.copyOf(partitions);
        items = List.copyOf(items);
    }

    String header() {
        return partitions.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    }

    static Set<Integer> parseHeader(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
    }
}
