package io.tocsin.console;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web console: a fixed set of static files from the jar ({@code console/} resources), read once at start. Pages
 * fetch {@code api/...} by relative URL, so the same files work at {@code /} and under {@code http.base-path}.
 *
 * <p>Every answer carries a Content-Security-Policy that allows scripts only from these files (no inline script, no
 * {@code eval}, nothing from elsewhere): event text is inserted as text by the scripts, and the policy is the second
 * wall should that ever slip. Files are revalidated on every load by their ETag, so an upgrade is seen at once and an
 * unchanged file costs a 304.
 */
public final class ConsoleFiles {

    static final List<String> FILES = List.of("index.html", "group.html", "instances.html", "silences.html", "postmortem.html",
            "console.css", "console.js", "groups.js", "group.js", "instances.js", "silences.js", "postmortem.js");
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private record Asset(byte[] body, String type, String etag) {
    }

    private final Map<String, Asset> assets;

    private ConsoleFiles(Map<String, Asset> assets) {
        this.assets = assets;
    }

    public static ConsoleFiles load() {
        Map<String, Asset> assets = new LinkedHashMap<>();
        for (String name : FILES) {
            try (InputStream in = ConsoleFiles.class.getResourceAsStream("/console/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("console file missing from the jar: " + name);
                }
                byte[] body = in.readAllBytes();
                assets.put("/" + name, new Asset(body, type(name), "\"" + sha256(body).substring(0, 16) + "\""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ConsoleFiles(assets);
    }

    /** Answers {@code path} (the request path without the base path): a console file, or 404. */
    public void handle(HttpExchange ex, String path) throws IOException {
        var headers = ex.getResponseHeaders();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            headers.set("Allow", "GET, HEAD");
            send(ex, 405, "text/plain; charset=utf-8", "only GET and HEAD here\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.isEmpty()) {
            // behind a prefix, /tocsin must become /tocsin/ or the pages' relative links would miss the prefix
            headers.set("Location", ex.getRequestURI().getPath() + "/");
            send(ex, 301, "text/plain; charset=utf-8", new byte[0]);
            return;
        }
        Asset asset = assets.get(path.equals("/") ? "/index.html" : path);
        if (asset == null) {
            send(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        headers.set("Cache-Control", "no-cache");
        headers.set("ETag", asset.etag());
        if (asset.etag().equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
            ex.sendResponseHeaders(304, -1);
            ex.close();
            return;
        }
        send(ex, 200, asset.type(), method.equals("HEAD") ? null : asset.body());
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        if (body == null || body.length == 0) {
            ex.sendResponseHeaders(status, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        throw new IllegalArgumentException("no content type for " + name);
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
