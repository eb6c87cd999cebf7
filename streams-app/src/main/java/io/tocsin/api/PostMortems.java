package io.tocsin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tocsin.config.AppConfig;
import io.tocsin.replay.RangeReader;
import io.tocsin.replay.Replay;
import io.tocsin.replay.ReplayReport;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's post-mortem: the {@code replay} command's run over a chosen range, inside the app, in the background,
 * with the app's own rules; its report (the one {@code replay --out FILE.json} writes) is kept until the next run.
 * One run at a time: a replay reads the whole range and runs the topology over it, which is not something to do
 * twice at once beside live traffic. It reads the input topics only and writes nothing live.
 */
final class PostMortems implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostMortems.class);

    enum State { IDLE, RUNNING, DONE, FAILED, CANCELLED }

    /** What the console polls: the run's range, progress, and when done its report. */
    record Status(State state, Instant from, Instant to, List<String> services, long read, long total, String error,
                  ReplayReport report) {
    }

    private final AppConfig config;
    private final ObjectMapper mapper;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tocsin-post-mortem");
        t.setDaemon(true);
        return t;
    });
    private volatile Status status = new Status(State.IDLE, null, null, List.of(), 0, 0, null, null);
    private volatile boolean cancelled;

    PostMortems(AppConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    Status status() {
        return status;
    }

    /** Body: {@code {"from":"ISO","to":"ISO","services":["orders"]}} (services optional). */
    synchronized Status start(String body) {
        if (status.state() == State.RUNNING) {
            throw new IllegalStateException("a post-mortem is running already (" + status.from() + " to " + status.to() + ")");
        }
        JsonNode n;
        try {
            n = mapper.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException("body is not JSON");
        }
        Instant from = instant(n, "from");
        Instant to = instant(n, "to");
        List<String> services = new ArrayList<>();
        n.path("services").forEach(s -> {
            if (!s.asText().isBlank()) {
                services.add(s.asText().strip());
            }
        });
        Replay.Options options = new Replay.Options(from, to, config.throttle().window().plus(config.throttle().grace()),
                Set.copyOf(services));
        cancelled = false;
        status = new Status(State.RUNNING, from, to, List.copyOf(services), 0, 0, null, null);
        runner.execute(() -> run(options));
        return status;
    }

    void cancel() {
        cancelled = true;
    }

    private void run(Replay.Options options) {
        Status started = status;
        try {
            ReplayReport report = Replay.run(config, config, options, this::progress, () -> cancelled);
            Status now = status;
            status = new Status(cancelled ? State.CANCELLED : State.DONE, started.from(), started.to(), started.services(),
                    now.read(), now.total(), null, cancelled ? null : report);
        } catch (RuntimeException e) {
            LOG.warn("post-mortem {} to {} failed", options.from(), options.to(), e);
            Status now = status;
            status = new Status(State.FAILED, started.from(), started.to(), started.services(), now.read(), now.total(),
                    String.valueOf(e.getMessage()), null);
        }
    }

    private void progress(RangeReader.Progress p) {
        Status s = status;
        status = new Status(s.state(), s.from(), s.to(), s.services(), p.read(), p.total(), null, null);
    }

    private static Instant instant(JsonNode n, String field) {
        try {
            return Instant.parse(n.path(field).asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' must be an ISO-8601 instant");
        }
    }

    @Override
    public void close() {
        cancelled = true;
        runner.shutdownNow();
    }
}
