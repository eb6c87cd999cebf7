package io.tocsin.it;

import static io.tocsin.testing.Waits.await;

import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.testing.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code streams-app.jar run} in a child process, as users run it: so a test can kill -9 it. */
final class AppProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "streams-app.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int httpPort;

    private AppProcess(Process process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /** Starts {@code run} and waits until its {@code /health/ready} answers 200; fails if it exits first. */
    static AppProcess run(Map<String, String> env, Path log) throws Exception {
        return ready(start("run", env, log), log);
    }

    /** As {@link #run(Map, Path)}, with stderr (the log lines) apart from stdout, in {@code stderr}. */
    static AppProcess run(Map<String, String> env, Path log, Path stderr) throws Exception {
        return ready(start("run", env, log, stderr), log);
    }

    /** Starts a verb ({@code run}, {@code dev}, {@code demo}) and waits until it is ready, as {@link #run} does. */
    static AppProcess ready(String verb, Map<String, String> env, Path log) throws Exception {
        return ready(start(verb, env, log), log);
    }

    private static AppProcess ready(AppProcess app, Path log) {
        await("streams-app process ready", Duration.ofSeconds(90)).until(() -> {
            if (!app.process.isAlive()) {
                throw new IllegalStateException("streams-app exited with " + app.process.exitValue() + ", see " + log);
            }
            return app.readyStatus() == 200;
        });
        return app;
    }

    /** Starts {@code run} without waiting for anything: for tests of how it fails to start. */
    static AppProcess start(Map<String, String> env, Path log) throws Exception {
        return start("run", env, log);
    }

    private static AppProcess start(String verb, Map<String, String> env, Path log) throws Exception {
        return start(verb, env, log, null);
    }

    private static AppProcess start(String verb, Map<String, String> env, Path log, Path stderr) throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", JAR.toAbsolutePath().toString(), verb))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (stderr == null) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        }
        pb.environment().putAll(env);
        pb.environment().put("TOCSIN_HTTP_PORT", String.valueOf(port));
        return new AppProcess(pb.start(), port);
    }

    /** The status {@code /health/ready} answers now; -1 when nothing answers. */
    int readyStatus() throws InterruptedException {
        try {
            return get("/health/ready").statusCode();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    HttpResponse<String> get(String path) throws java.io.IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    Process process() {
        return process;
    }

    int httpPort() {
        return httpPort;
    }

    /** SIGKILL: no shutdown hook, no flush, no commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        Waits.exited(process, Duration.ofSeconds(30));
    }

    /** SIGTERM, without waiting: for tests of how the app stops. */
    void terminate() {
        process.destroy();
    }

    /** SIGTERM: the app closes cleanly. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!Waits.exited(process, Duration.ofSeconds(60))) {
            process.destroyForcibly();
        }
    }

}
