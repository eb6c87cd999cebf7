package com.example.orders;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a real service, run with Tocsin's {@code -javaagent} attached: it knows nothing of Tocsin. Every
 * {@code SAMPLE_ERROR_EVERY_S} seconds an order job dies of the same uncaught bug (the agent reports it; a new order
 * id each time, which must not split the error group), and the agent heartbeats on its own. {@code GET /health}
 * answers 200, except for a scheduled outage ({@code SAMPLE_OUTAGE_AT_S} after start, for
 * {@code SAMPLE_OUTAGE_FOR_S}; 0 turns it off) that a URL prober can notice. Plain JDK, no dependencies.
 */
public final class SampleService {

    private final AtomicInteger orderId = new AtomicInteger(1000);
    private final long startedAt = System.nanoTime();
    private final long outageAt;
    private final long outageFor;

    private SampleService(long outageAtS, long outageForS) {
        this.outageAt = TimeUnit.SECONDS.toNanos(outageAtS);
        this.outageFor = TimeUnit.SECONDS.toNanos(outageForS);
    }

    public static void main(String[] args) throws IOException {
        // One line per failure instead of a stack trace, so the alerts stay readable in `docker compose up`. Setting
        // a handler is also what frameworks do; the agent wraps it again and still reports.
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> System.err.println(thread.getName() + " died: " + error));
        int port = setting("SAMPLE_PORT", 8080);
        SampleService service = new SampleService(setting("SAMPLE_OUTAGE_AT_S", 60), setting("SAMPLE_OUTAGE_FOR_S", 45));
        HttpServer http = HttpServer.create(new InetSocketAddress(port), 0);
        http.createContext("/health", service::health);
        http.start();

        ScheduledExecutorService jobs = Executors.newSingleThreadScheduledExecutor();
        int every = Math.max(1, setting("SAMPLE_ERROR_EVERY_S", 2));
        jobs.scheduleAtFixedRate(service::startOrderJob, every, every, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            jobs.shutdownNow();
            http.stop(0);
        }));
        System.out.println("sample service: health on :" + port + "/health, an uncaught IllegalStateException every "
                + every + " s");
    }

    /** The job runs on a thread of its own, so its exception is uncaught, which is what the agent reports. */
    private void startOrderJob() {
        int id = orderId.incrementAndGet();
        new Thread(() -> OrderRepository.find(id), "order-job-" + id).start();
    }

    private void health(HttpExchange exchange) throws IOException {
        boolean up = !inOutage();
        byte[] body = (up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\",\"reason\":\"scheduled outage\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(up ? 200 : 503, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private boolean inOutage() {
        long since = System.nanoTime() - startedAt - outageAt;
        return outageAt > 0 && since >= 0 && since < outageFor;
    }

    private static int setting(String name, int defaultValue) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? defaultValue : Integer.parseInt(value.trim());
    }

    /** The bug: a lookup that never finds the order. */
    static final class OrderRepository {
        private OrderRepository() {
        }

        static Object find(int id) {
            throw new IllegalStateException("order " + id + " not found");
        }
    }
}
