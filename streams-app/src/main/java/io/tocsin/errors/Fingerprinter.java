package io.tocsin.errors;

import io.tocsin.model.Alert;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Computes the group of an exception event. Pure and deterministic: the same bug gives the same fingerprint across
 * instances, deploys (line numbers are ignored), proxy classes and reflection paths.
 *
 * <p>Parts, in order: rule version, service, environment, then either the event's own {@code fingerprint} array or:
 * category, HTTP method, normalised route, and for each exception of the cause chain its type and its in-app frames
 * (class and method), falling back to its top {@value #TOP_FRAMES} frames, plus its normalised message, when no
 * frame of it is in-app.
 *
 * <p>Recursion: a run of frames that repeats a cycle of up to {@value #MAX_CYCLE} frames back to back keeps only its
 * first copy ({@code A B A B A B} is {@code A B}, {@code A B C A B C} is {@code A B C}), so the depth of a direct or
 * mutual recursion never changes the group, while a different cycle (other frames, or the same ones in another
 * order) still does. Longer cycles are kept as they are.
 */
public final class Fingerprinter {

    /** Bumped with every rule change, so that a change shows as new ids rather than groups silently merging. */
    public static final String VERSION = "v2";
    static final int TOP_FRAMES = 5;
    /** Covers self and mutual recursion, visitors and recursive-descent parsers (a level per precedence). */
    static final int MAX_CYCLE = 16;
    private static final int TITLE_MESSAGE_MAX = 120;
    private static final int FRAME_CACHE_MAX = 50_000;
    private static final String GLUE = "";

    /**
     * A version of the grouping rules. The live app uses {@link #CURRENT}; earlier versions are kept so that
     * {@code replay --compare-fingerprints} can show, on history, what a change of rules merges and splits.
     *
     * @param collapseCycles repeated frame cycles collapse (v2); before, only a frame repeated directly did
     * @param routeNames     route segments that name a member of a collection are ids (v2); before, only values were
     */
    public record Rules(String version, boolean collapseCycles, boolean routeNames) {

        public static final Rules V1 = new Rules("v1", false, false);
        public static final Rules CURRENT = new Rules(VERSION, true, true);

        /** The rules of a version by name ({@code v1}, {@code v2}). */
        public static Rules named(String version) {
            return List.of(V1, CURRENT).stream().filter(r -> r.version().equals(version)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no fingerprint rules '" + version + "' (known: v1, " + VERSION + ")"));
        }
    }

    /** Frames repeat across events far more than they vary: their normalised form is cached (cleared when full). */
    private final Map<Frame, String> frameCache = new ConcurrentHashMap<>();
    private final Rules rules;

    public Fingerprinter() {
        this(Rules.CURRENT);
    }

    public Fingerprinter(Rules rules) {
        this.rules = rules;
    }

    public Fingerprint fingerprint(ExceptionEvent event) {
        String version = rules.version();
        List<Object> parts = new ArrayList<>(List.of(version, event.service(), event.environment()));
        List<String> topFrames = significantFrames(event.exception().frames());
        if (event.fingerprint() != null) {
            parts.add("custom");
            parts.addAll(event.fingerprint());
        } else {
            parts.add(nullToEmpty(event.category()));
            parts.add(event.request() == null ? "" : nullToEmpty(event.request().method()));
            parts.add(event.request() == null ? "" : Normalizer.route(event.request().url(), rules.routeNames()).orElse(""));
            addChain(parts, event.exception(), topFrames);
        }
        return new Fingerprint(version + "-" + Alert.idOf(parts.toArray()), title(event.exception(), topFrames));
    }

    private void addChain(List<Object> parts, ExceptionInfo exception, List<String> topFrames) {
        ExceptionInfo e = exception;
        for (int depth = 0; e != null && depth < Limits.MAX_CAUSE_DEPTH; depth++, e = e.cause()) {
            parts.add("type:" + Normalizer.className(e.type()));
            List<String> inApp = inAppFrames(e.frames());
            parts.addAll(depth == 0 ? topFrames : inApp.isEmpty() ? topOf(e.frames()) : inApp);
            if (inApp.isEmpty()) {
                parts.add("message:" + Normalizer.message(e.message()));
            }
        }
    }

    /** In-app frames, or the top frames when none is in-app; glue dropped, names normalised, recursion collapsed. */
    List<String> significantFrames(List<Frame> frames) {
        List<String> inApp = inAppFrames(frames);
        return inApp.isEmpty() ? topOf(frames) : inApp;
    }

    private List<String> topOf(List<Frame> frames) {
        List<String> all = normalised(frames, false);
        return all.subList(0, Math.min(TOP_FRAMES, all.size()));
    }

    private List<String> inAppFrames(List<Frame> frames) {
        return normalised(frames, true);
    }

    private List<String> normalised(List<Frame> frames, boolean inAppOnly) {
        List<String> out = new ArrayList<>();
        for (Frame f : frames) {
            if (inAppOnly && !f.inApp()) {
                continue;
            }
            String name = normalised(f);
            if (name.isEmpty()) {
                continue;
            }
            if (rules.collapseCycles()) {
                appendCollapsingCycles(out, name);
            } else if (out.isEmpty() || !out.get(out.size() - 1).equals(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * Appends {@code name}, then drops the copy it completes when {@code out} now ends with a cycle of up to
     * {@link #MAX_CYCLE} frames twice in a row. Every append leaves {@code out} without such a repeat anywhere (what
     * is dropped leaves a prefix of the list as it was before), so looking at its end is enough, and the depth of a
     * recursion does not change the list. Cost per frame: the new name against at most MAX_CYCLE earlier ones, reading
     * further back only on a match (MAX_CYCLE² / 2 comparisons at worst), so linear in the number of frames.
     */
    private static void appendCollapsingCycles(List<String> out, String name) {
        out.add(name);
        int size = out.size();
        for (int cycle = 1; cycle <= MAX_CYCLE && 2 * cycle <= size; cycle++) {
            if (endsWithTwice(out, cycle)) {
                out.subList(size - cycle, size).clear();
                return;
            }
        }
    }

    /** Whether the last {@code cycle} names repeat the ones before them; newest first, as that is where they differ. */
    private static boolean endsWithTwice(List<String> out, int cycle) {
        for (int i = out.size() - 1; i >= out.size() - cycle; i--) {
            if (!out.get(i).equals(out.get(i - cycle))) {
                return false;
            }
        }
        return true;
    }

    /** "Class.method" normalised, or {@link #GLUE} for frames that never take part. */
    private String normalised(Frame f) {
        Frame key = new Frame(f.className(), f.method(), null, null, false);
        String cached = frameCache.get(key);
        if (cached != null) {
            return cached;
        }
        String name = Normalizer.isGlue(f.className()) ? GLUE : Normalizer.className(f.className()) + "." + Normalizer.method(f.method());
        if (frameCache.size() >= FRAME_CACHE_MAX) {
            frameCache.clear();
        }
        frameCache.put(key, name);
        return name;
    }

    /** Exception type, normalised message and top in-app frame: "IllegalStateException: order <n> not found at OrderService.find". */
    static String title(ExceptionInfo e, List<String> significantFrames) {
        String type = e.type().substring(e.type().lastIndexOf('.') + 1);
        String message = Normalizer.message(e.message());
        if (message.length() > TITLE_MESSAGE_MAX) {
            message = message.substring(0, TITLE_MESSAGE_MAX) + "…";
        }
        StringBuilder title = new StringBuilder(type);
        if (!message.isEmpty()) {
            title.append(": ").append(message);
        }
        topFrame(significantFrames).ifPresent(f -> title.append(" at ").append(f));
        return title.toString();
    }

    private static Optional<String> topFrame(List<String> frames) {
        if (frames.isEmpty()) {
            return Optional.empty();
        }
        String f = frames.get(0);
        int method = f.lastIndexOf('.');
        int pkg = f.lastIndexOf('.', method - 1);
        return Optional.of(f.substring(pkg + 1));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
