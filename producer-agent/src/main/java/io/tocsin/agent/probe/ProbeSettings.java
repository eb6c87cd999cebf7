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

    /** The instance name a probed URL reports as. */
    public static String instanceOf(URI url) {
        return "probe:" + url;
    }
}
