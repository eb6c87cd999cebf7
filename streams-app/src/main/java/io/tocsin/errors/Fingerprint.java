package io.tocsin.errors;

/**
 * The group an exception belongs to: {@code id} is a versioned hash ({@code v2-…}) so a change of the rules shows as
 * new ids rather than silent regrouping; {@code title} is what people read.
 */
public record Fingerprint(String id, String title) {
}
