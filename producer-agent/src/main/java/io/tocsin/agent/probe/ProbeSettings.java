package io.tocsin.agent.probe;

import java.net.URI;
import java.time.Duration;
import java.util.List;

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

    /** The instance name a probed URL reports as. */
    public static String instanceOf(URI url) {
        return "probe:" + url;
    }
}
