package io.tocsin.errors;

import io.tocsin.model.ExceptionEvent;

/** An exception event with the group it belongs to: the value of the by-fingerprint repartition topic. */
public record GroupedError(String fingerprint, String title, ExceptionEvent event) {
}
