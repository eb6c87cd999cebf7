package io.tocsin.model;

/** Input that cannot be parsed or fails validation; the message is the reason given on the dead-letter record. */
public final class InvalidEventException extends Exception {

    public InvalidEventException(String reason) {
        super(reason);
    }

    public InvalidEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
