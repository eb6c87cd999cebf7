package io.tocsin.errors;

import io.tocsin.model.ExceptionEvent;

/**
 * An exception event with the group it belongs to: the value of the by-fingerprint repartition topic.
 *
 * <p>{@code sample} says whether {@code event} is whole, to be kept as the group's sample. Most are not: the
 * throttle needs only what an alert quotes, so an event that is not a sample travels cut to that
 * ({@link SampleGate#cut}), a tenth of its size or less for a typical trace.
 */
public record GroupedError(String fingerprint, String title, ExceptionEvent event, boolean sample) {
}
