package io.tocsin.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.HeartbeatEvent;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One probe round against a real local HTTP server. */
class UrlProberTest {

    private final List<HeartbeatEvent> beats = new CopyOnWriteArrayList<>();
    private final List<ExceptionEvent> failures = new CopyOnWriteArrayList<>();
    private final UrlProber.EventSink sink = new UrlProber.EventSink() {
        @Override
        public void heartbeat(HeartbeatEvent beat) {
            beats.add(beat);
        }

        @Override
        public void exception(ExceptionEvent failure) {
            failures.add(failure);
        }
    };
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer site;

    @AfterEach
    void stop() {
        release.countDown();
        if (site != null) {
            site.stop(0);
        }
    }

    @Test
    void aProberClosedOnPurposeDeregistersEveryUrlItWatched() throws Exception {
        URI url = site(200, false);
        URI other = URI.create(url + "other");
        ProbeSettings settings = new ProbeSettings(List.of(url, other), "site", "prod", Duration.ofHours(1),
                Duration.ofMillis(500), 1, Duration.ofMillis(100), null);

        new UrlProber(settings, sink).close();

        assertThat(beats).extracting(HeartbeatEvent::instance, HeartbeatEvent::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("probe:" + url, HeartbeatEvent.Status.STOPPING),
                org.assertj.core.groups.Tuple.tuple("probe:" + other, HeartbeatEvent.Status.STOPPING));
    }

    @Test
    void aSlowButHealthySiteDeclaresAnIntervalThatCoversItsSlowestRound() throws Exception {
        // every odd request hangs past the timeout, the next one answers: healthy, on the second attempt
        URI url = site(200, true);
        ProbeSettings settings = new ProbeSettings(List.of(url), "slow-site", "prod", Duration.ofMillis(500),
                Duration.ofMillis(200), 2, Duration.ofMillis(100), null);

        new UrlProber(settings, sink).probeOnce(url);

        assertThat(failures).isEmpty();
        assertThat(beats).singleElement().satisfies(beat -> {
            assertThat(beat.instance()).isEqualTo("probe:" + url);
            // the next round starts 500 ms after this one ended and may again take 2 × 200 ms + 100 ms: a heartbeat
            // that declared only the 500 ms would be called down by a monitor allowing 2 × 500 ms + 1 s
            assertThat(beat.intervalMs()).isEqualTo(500 + 2 * 200 + 100);
        });
    }

    @Test
    void aFailedRoundSendsTheReasonAndNoHeartbeat() throws Exception {
        URI url = site(503, false);
        ProbeSettings settings = new ProbeSettings(List.of(url), "failing-site", "prod", Duration.ofSeconds(1),
                Duration.ofSeconds(5), 2, Duration.ofMillis(10), null);

        new UrlProber(settings, sink).probeOnce(url);

        assertThat(beats).isEmpty();
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.category()).isEqualTo("PROBE");
            assertThat(f.exception().message()).isEqualTo("HTTP 503 from " + url + " (2 attempts)");
        });
    }

    @Test
    void credentialsAndSecretQueryParametersOfAUrlAreNeverSent() throws Exception {
        URI site = site(503, false);
        URI url = URI.create("http://ops:hunter2@" + site.getHost() + ":" + site.getPort() + "/health?region=eu&access_token=s3cr3t&apiKey=k3y#frag");
        ProbeSettings settings = new ProbeSettings(List.of(url), "secret-site", "prod", Duration.ofSeconds(1),
                Duration.ofSeconds(5), 1, Duration.ofMillis(10), null);

        new UrlProber(settings, sink).probeOnce(url);

        String shown = "http://" + site.getHost() + ":" + site.getPort() + "/health?region=eu&access_token=****&apiKey=****";
        assertThat(ProbeSettings.instanceOf(url)).isEqualTo("probe:" + shown);
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.instance()).isEqualTo("probe:" + shown);
            assertThat(f.exception().message()).isEqualTo("HTTP 503 from " + shown + " (1 attempt)");
            assertThat(f.request().url()).isEqualTo(shown);
            assertThat(f.toString()).doesNotContain("hunter2", "s3cr3t", "k3y", "frag");
        });
    }

    /** A site answering {@code status}; with {@code oddRequestsHang}, its 1st, 3rd, … requests hang until the test ends. */
    private URI site(int status, boolean oddRequestsHang) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        site.setExecutor(Executors.newCachedThreadPool());
        site.createContext("/health", ex -> {
            if (oddRequestsHang && requests.incrementAndGet() % 2 == 1) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "ok".getBytes();
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        site.start();
        return URI.create("http://127.0.0.1:" + site.getAddress().getPort() + "/health");
    }
}
