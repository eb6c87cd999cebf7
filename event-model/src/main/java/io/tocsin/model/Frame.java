package io.tocsin.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One stack frame, as Java prints it. {@code file} may be null and {@code line} missing or non-positive. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Frame(String className, String method, String file, Integer line, boolean inApp) {

    public static Frame of(StackTraceElement e, boolean inApp) {
        return new Frame(e.getClassName(), e.getMethodName(), e.getFileName(), e.getLineNumber(), inApp);
    }
}
