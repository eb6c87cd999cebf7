package io.tocsin.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** A real local HTTP server standing in for a Slack incoming webhook; records every POST it accepts. */
public final class RecordingSlack implements AutoCloseable {

    public record Post(Instant at, String path, String body) {
    }

    private static final java.util.regex.Pattern ALERT_ID = java.util.regex.Pattern.compile("tocsin:([0-9a-f]{32})");
    private final HttpServer server;
    private final List<Post> accepted = new CopyOnWriteArrayList<>();
    private final List<Post> refused = new CopyOnWriteArrayList<>();
    private volatile IntSupplier status = () -> 200;
    private volatile String retryAfter;
    private volatile Duration answerAfter = Duration.ZERO;
    private final AtomicInteger answered = new AtomicInteger();
    private final java.util.Map<String, Integer> pathStatus = new java.util.concurrent.ConcurrentHashMap<>();

    public RecordingSlack() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            int code = pathStatus.getOrDefault(path, status.getAsInt());
            Post post = new Post(Instant.now(), path, body);
            (code == 200 ? accepted : refused).add(post);
            boolean api = path.startsWith("/api/");
            byte[] reply = (code != 200 ? "error" : api ? "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.0\"}" : "ok")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", api ? "application/json" : "text/plain");
            if (code == 429 && retryAfter != null) {
                ex.getResponseHeaders().set("Retry-After", retryAfter);
            }
            pause(answerAfter);
            ex.sendResponseHeaders(code, reply.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply);
            }
            answered.incrementAndGet();
        });
        server.start();
    }

    public String webhookUrl() {
        return url("/hook");
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Every post to this path gets this status (e.g. 404 for a webhook that was removed). */
    public void answer(String path, int statusCode) {
        pathStatus.put(path, statusCode);
    }

    /** Every post is answered this long after it arrived (it is in {@link #posts()} from its arrival): a slow Slack. */
    public void answerAfter(Duration delay) {
        this.answerAfter = delay;
    }

    /** How many posts have had their whole answer written. */
    public int answered() {
        return answered.get();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void retryAfter(String seconds) {
        this.retryAfter = seconds;
    }

    /** The status code the next posts get (200 accepts). */
    public void answer(IntSupplier statusCode) {
        this.status = statusCode;
    }

    public List<Post> posts() {
        return new ArrayList<>(accepted);
    }

    public List<Post> refused() {
        return new ArrayList<>(refused);
    }

    /** Every alert id posted, in posting order: a batch carries several, a repost shows an id twice. */
    public List<String> postedAlertIds() {
        return accepted.stream().flatMap(p -> alertIds(p.body()).stream()).toList();
    }

    /** The alert ids one post carries ({@code tocsin:<id>} context lines), in order. */
    public static List<String> alertIds(String body) {
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher m = ALERT_ID.matcher(body);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    public List<Post> postsContaining(String text) {
        return accepted.stream().filter(p -> p.body().contains(text)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
