package io.tocsin.agent.probe;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.RequestInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns health URLs into heartbeats, for services that cannot run the agent (a dying process cannot report its own
 * death; something outside must look). Each round tries a URL up to {@code attempts} times, {@code retryDelay} apart;
 * a healthy answer (2xx, and the expected body text when one is set) sends a heartbeat for instance
 * {@code probe:<url>} whose interval is {@link ProbeSettings#heartbeatSpacing()} (rounds run with a fixed delay
 * between them, so the time a round takes adds to the spacing); a failed round sends an exception event of category
 * {@code PROBE} that says why, and no heartbeat, so the down alert that follows carries the reason.
 */
public final class UrlProber implements AutoCloseable {

    public static final String FAILURE_TYPE = "io.tocsin.probe.HealthCheckFailed";

    /** Where the prober's events go. */
    public interface EventSink {
        void heartbeat(HeartbeatEvent beat);

        void exception(ExceptionEvent failure);
    }

    private final ProbeSettings settings;
    private final EventSink sink;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;

    public UrlProber(ProbeSettings settings, EventSink sink) {
        this.settings = settings;
        this.sink = sink;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.scheduler = Executors.newScheduledThreadPool(Math.min(8, settings.urls().size()), r -> {
            Thread t = new Thread(r, "tocsin-probe");
            t.setDaemon(true);
            return t;
        });
    }

    public UrlProber start() {
        for (URI url : settings.urls()) {
            scheduler.scheduleWithFixedDelay(() -> probeOnce(url), 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** One round for one URL: up to {@code attempts} tries; reports the outcome. */
    void probeOnce(URI url) {
        String failure = null;
        long started = System.nanoTime();
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            failure = check(url);
            if (failure == null) {
                long ms = (System.nanoTime() - started) / 1_000_000;
                sink.heartbeat(heartbeat(url, ms));
                return;
            }
            if (attempt < settings.attempts() && !pause(settings.retryDelay())) {
                return;
            }
        }
        sink.exception(failureEvent(url, failure + " (" + settings.attempts() + " attempt"
                + (settings.attempts() == 1 ? "" : "s") + ")"));
    }

    /** Null when healthy, else why not. */
    private String check(URI url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(settings.timeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status < 200 || status >= 300) {
                return "HTTP " + status + " from " + ProbeSettings.shown(url);
            }
            if (settings.expectBody() != null && !response.body().contains(settings.expectBody())) {
                return "HTTP " + status + " from " + ProbeSettings.shown(url) + " without the expected text '" + settings.expectBody() + "'";
            }
            return null;
        } catch (java.net.http.HttpTimeoutException e) {
            return "no answer from " + ProbeSettings.shown(url) + " within " + settings.timeout().toMillis() + " ms";
        } catch (java.io.IOException e) {
            return e.getClass().getSimpleName() + " from " + ProbeSettings.shown(url) + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private HeartbeatEvent heartbeat(URI url, long responseMs) {
        return heartbeat(url, HeartbeatEvent.Status.UP, Map.of("responseMs", (double) responseMs));
    }

    private HeartbeatEvent heartbeat(URI url, HeartbeatEvent.Status status, Map<String, Double> load) {
        return new HeartbeatEvent(HeartbeatEvent.TYPE, EventCodec.VERSION, Instant.now(), settings.service(),
                ProbeSettings.instanceOf(url), settings.environment(), url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()),
                settings.heartbeatSpacing().toMillis(), status, load);
    }

    private ExceptionEvent failureEvent(URI url, String reason) {
        return new ExceptionEvent(ExceptionEvent.TYPE, EventCodec.VERSION, UUID.randomUUID().toString(), Instant.now(),
                settings.service(), ProbeSettings.instanceOf(url), settings.environment(), ExceptionEvent.PROBE_CATEGORY,
                new ExceptionInfo(FAILURE_TYPE, reason, List.of(), null), new RequestInfo("GET", ProbeSettings.shown(url)),
                Map.of("probe", ProbeSettings.shown(url)), null, 1);
    }

    private static boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops probing and deregisters every URL (a {@code STOPPING} heartbeat each), as the agent does for its host: a
     * prober stopped on purpose (a deploy, a restart) must not make every URL it watched look down. One that dies
     * without closing still leaves them to be reported down: nothing watches them any more.
     */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return; // a round still running could report the URL up after its STOPPING
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        settings.urls().forEach(url -> sink.heartbeat(heartbeat(url, HeartbeatEvent.Status.STOPPING, Map.of())));
    }
}
