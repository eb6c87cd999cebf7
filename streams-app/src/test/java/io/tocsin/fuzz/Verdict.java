package io.tocsin.fuzz;

import io.tocsin.model.InvalidEventException;
import io.tocsin.topology.InputParser;

/**
 * What a decoder made of one input: the event, or the documented refusal (an {@link InvalidEventException}, whose
 * message is the dead letter's reason). Anything else it throws is not caught here: it fails the property.
 */
public record Verdict<T>(T event, String refusal) {

    public static <T> Verdict<T> of(HangGuard guard, InputParser.Parser<T> parser, byte[] raw) throws Exception {
        try {
            return new Verdict<>(guard.run(() -> parser.parse(raw)), null);
        } catch (InvalidEventException e) {
            return new Verdict<>(null, e.getMessage() == null ? "" : e.getMessage());
        }
    }

    public boolean accepted() {
        return refusal == null;
    }
}
