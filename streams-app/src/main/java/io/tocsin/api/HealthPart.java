package io.tocsin.api;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** One part that does the app's work, as {@code /health/ready} reports it: its state, and whether that counts as ready. */
public record HealthPart(String name, Supplier<String> state, BooleanSupplier ready) {
}
