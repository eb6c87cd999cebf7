package io.tocsin.topology;

/** The outcome of parsing one input record: the event, or the raw bytes and why they were refused. */
public record Parsed<T>(T event, byte[] raw, String reason) {

    public static <T> Parsed<T> ok(T event) {
        return new Parsed<>(event, null, null);
    }

    public static <T> Parsed<T> refused(byte[] raw, String reason) {
        return new Parsed<>(null, raw, reason);
    }

    public boolean valid() {
        return event != null;
    }
}
