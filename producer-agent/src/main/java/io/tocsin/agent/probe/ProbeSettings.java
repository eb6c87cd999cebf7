package io.tocsin.agent.probe;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What to probe and how: defaults 60 s interval, 5 s timeout, 3 attempts 1 s apart. */
public record ProbeSettings(
        List<URI> urls,
        String service,
        String environment,
        Duration interval,
        Duration timeout,
        int attempts,
        Duration retryDelay,
        String expectBody) {

    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)token|secret|pass(word|wd)?|pwd|key|sig(nature)?|auth|credential|session|code");

    public ProbeSettings {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one URL to probe is needed");
        }
        if (service == null || service.isBlank() || service.contains("/")) {
            throw new IllegalArgumentException("--service must be a name without '/'");
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("--attempts must be at least 1");
        }
    }

    /**
     * The longest a healthy site can go between two of its heartbeats: the pause between rounds plus the slowest
     * round that still ends healthy (every attempt but the last times out, with the retry delays between them). The
     * heartbeats declare this as their interval, so the monitor (which allows 2 × interval + 1 s) never calls a slow
     * but healthy site down, nor one whose prober ran a little late on a busy machine.
     */
    public Duration heartbeatSpacing() {
        return interval.plus(timeout.multipliedBy(attempts)).plus(retryDelay.multipliedBy(attempts - 1L));
    }

    /** The instance name a probed URL reports as: {@code probe:} and the URL as {@link #shown} (no secrets). */
    public static String instanceOf(URI url) {
        return "probe:" + shown(url);
    }

    /**
     * The URL as it may be shown anywhere (instance names, messages, tags, Slack): without user info or fragment, and
     * with the values of query parameters whose names suggest a secret ({@code token}, {@code key}, {@code sig}, …)
     * replaced by {@code ****}. Deterministic, so an instance keeps its name across restarts.
     */
    public static String shown(URI url) {
        StringBuilder out = new StringBuilder();
        if (url.getScheme() != null) {
            out.append(url.getScheme()).append("://");
        }
        if (url.getHost() != null) {
            out.append(url.getHost());
        }
        if (url.getPort() >= 0) {
            out.append(':').append(url.getPort());
        }
        if (url.getRawPath() != null) {
            out.append(url.getRawPath());
        }
        if (url.getRawQuery() != null) {
            out.append('?').append(Arrays.stream(url.getRawQuery().split("&")).map(ProbeSettings::maskedParameter)
                    .collect(Collectors.joining("&")));
        }
        return out.toString();
    }

    private static String maskedParameter(String pair) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        return eq >= 0 && SECRET_PARAMETER.matcher(name).find() ? name + "=****" : pair;
    }
}
