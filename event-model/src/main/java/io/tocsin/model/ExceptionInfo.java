package io.tocsin.model;

import java.util.List;

/** An exception with its frames (innermost call first) and its cause chain. */
public record ExceptionInfo(String type, String message, List<Frame> frames, ExceptionInfo cause) {

    public ExceptionInfo {
        frames = frames == null ? List.of() : List.copyOf(frames);
    }
}
