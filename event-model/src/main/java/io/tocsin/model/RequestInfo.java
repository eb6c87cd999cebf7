package io.tocsin.model;

/** The request a failing call was serving, when there was one. */
public record RequestInfo(String method, String url) {
}
