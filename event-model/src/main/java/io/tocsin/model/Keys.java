package io.tocsin.model;

/**
 * The record key of the input topics, {@code service/instance}: the agent writes it, the app splits it at the first
 * {@code /} (a service name never contains one; an instance name may).
 */
public final class Keys {

    private static final char SEPARATOR = '/';

    private Keys() {
    }

    public static String of(String service, String instance) {
        return service + SEPARATOR + instance;
    }

    /** The prefix every key of the service's instances starts with (for prefix scans of stores keyed like the topics). */
    public static String prefix(String service) {
        return service + SEPARATOR;
    }

    /** The service part of a key; empty when the key has no {@code /}. */
    public static String service(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? "" : key.substring(0, at);
    }
}
