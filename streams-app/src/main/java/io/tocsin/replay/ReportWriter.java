package io.tocsin.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tocsin.model.EventCodec;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link ReplayReport} as JSON (for tools), Markdown (for a post-mortem document), self-contained HTML (one
 * file, no external assets: inline CSS and an inline SVG chart of errors per minute with down periods shaded) or a
 * short text summary. Every text that came from events is escaped for the format it goes into.
 */
public final class ReportWriter {

    /** The format for a file name: by its extension. */
    public enum Format {
        JSON, MARKDOWN, HTML, TEXT;

        public static Format of(String fileName) {
            String f = fileName.toLowerCase(Locale.ROOT);
            if (f.endsWith(".json")) {
                return JSON;
            }
            if (f.endsWith(".md") || f.endsWith(".markdown")) {
                return MARKDOWN;
            }
            if (f.endsWith(".html") || f.endsWith(".htm")) {
                return HTML;
            }
            throw new IllegalArgumentException("--out must end in .json, .md or .html, was " + fileName);
        }
    }

    static final int CHART_WIDTH = 960;
    static final int CHART_HEIGHT = 240;
    private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#7f7f7f"};

    private final ObjectMapper json = new EventCodec().mapper().copy()
            .enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public String write(ReplayReport r, Format format) {
        return switch (format) {
            case JSON -> json(r);
            case MARKDOWN -> markdown(r);
            case HTML -> html(r);
            case TEXT -> text(r);
        };
    }

    private String json(ReplayReport r) {
        try {
            return json.writeValueAsString(r) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    private static String text(ReplayReport r) {
        StringBuilder out = new StringBuilder();
        out.append("Replay ").append(r.from()).append(" .. ").append(r.to()).append('\n');
        ReplayReport.Counts c = r.counts();
        out.append(String.format("%,d error events, %,d heartbeats, %,d dead letters; %,d alerts (%,d silenced)%n",
                c.errorEvents(), c.heartbeats(), c.deadLetters(), c.alerts(), c.silencedAlerts()));
        if (r.fingerprintComparison() != null) {
            ReplayReport.FingerprintComparison fc = r.fingerprintComparison();
            out.append(String.format("fingerprints: %d groups with %s, %d with %s; %d merged, %d split%n", fc.currentGroups(),
                    fc.current(), fc.candidateGroups(), fc.candidate(), fc.merged().size(), fc.split().size()));
        }
        r.changedRules().forEach((k, v) -> out.append("  ").append(k).append(": ").append(v.get(0)).append(" -> ").append(v.get(1)).append('\n'));
        r.timeline().forEach(t -> out.append(t.time()).append("  ").append(String.format("%-17s", t.what())).append(' ')
                .append(oneLine(t.title())).append(t.silenced() ? "  (silenced)" : "").append('\n'));
        return out.toString();
    }

    private static String markdown(ReplayReport r) {
        StringBuilder out = new StringBuilder();
        out.append("# Replay ").append(r.from()).append(" .. ").append(r.to()).append("\n\n");
        ReplayReport.Counts c = r.counts();
        out.append(String.format("%,d error events, %,d heartbeats, %,d dead letters; **%,d alerts** (%,d silenced).%n%n",
                c.errorEvents(), c.heartbeats(), c.deadLetters(), c.alerts(), c.silencedAlerts()));
        if (!r.changedRules().isEmpty()) {
            out.append("Rules changed for this replay:\n\n| key | in force | replayed |\n|---|---|---|\n");
            r.changedRules().forEach((k, v) -> out.append("| `").append(k).append("` | ").append(md(v.get(0))).append(" | ").append(md(v.get(1))).append(" |\n"));
            out.append('\n');
        }
        out.append("## Timeline\n\n| time (UTC) | what | title | silenced |\n|---|---|---|---|\n");
        r.timeline().forEach(t -> out.append("| ").append(t.time()).append(" | ").append(t.what()).append(" | ")
                .append(md(t.title())).append(" | ").append(t.silenced() ? "yes" : "").append(" |\n"));
        out.append("\n## Error groups\n\n| group | service | occurrences | alerts sent | not alerted | instances |\n|---|---|---|---|---|---|\n");
        r.groups().forEach(g -> out.append("| ").append(md(g.title())).append(" (`").append(g.fingerprint()).append("`) | ")
                .append(md(g.service())).append(" | ").append(g.occurrences()).append(" | ").append(g.alertsSent()).append(" | ")
                .append(g.alertsSuppressed()).append(" | ").append(md(String.join(", ", g.instances()))).append(" |\n"));
        out.append("\n## Services\n\n| service | time down | went down |\n|---|---|---|\n");
        r.services().forEach(s -> out.append("| ").append(md(s.service())).append(" | ").append(s.secondsDown()).append(" s | ")
                .append(md(String.join(", ", s.instancesDown()))).append(" |\n"));
        ReplayReport.FingerprintComparison fc = r.fingerprintComparison();
        if (fc != null) {
            out.append("\n## Fingerprints: ").append(fc.current()).append(" against ").append(fc.candidate()).append("\n\n")
                    .append(fc.currentGroups()).append(" groups with ").append(fc.current()).append(", ").append(fc.candidateGroups())
                    .append(" with ").append(fc.candidate()).append(".\n\n");
            fc.merged().forEach(m -> out.append("- ").append(fc.candidate()).append(" merges ").append(m.currentGroups().size())
                    .append(" groups (").append(m.occurrences()).append(" occurrences): ").append(md(String.join("; ", m.titles()))).append('\n'));
            fc.split().forEach(sp -> out.append("- ").append(fc.candidate()).append(" splits ").append(md(sp.title())).append(" (")
                    .append(sp.occurrences()).append(" occurrences) in ").append(sp.candidateGroups().size()).append('\n'));
        }
        out.append("\n## Rules\n\n");
        r.rules().forEach((k, v) -> out.append("- `").append(k).append("=").append(v.replace("`", "'")).append("`\n"));
        return out.toString();
    }

    private String html(ReplayReport r) {
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Tocsin replay ")
                .append(h(r.from())).append(" .. ").append(h(r.to())).append("</title>\n")
                .append("<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
                        + "td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}"
                        + ".silenced{color:#888}.legend span{display:inline-block;margin-right:1.5em}"
                        + ".swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em}</style></head><body>\n");
        out.append("<h1>Replay ").append(h(r.from())).append(" .. ").append(h(r.to())).append("</h1>\n");
        ReplayReport.Counts c = r.counts();
        out.append(String.format("<p>%,d error events, %,d heartbeats, %,d dead letters; <b>%,d alerts</b> (%,d silenced).</p>%n",
                c.errorEvents(), c.heartbeats(), c.deadLetters(), c.alerts(), c.silencedAlerts()));
        out.append(chart(r));
        if (!r.changedRules().isEmpty()) {
            out.append("<h2>Rules changed for this replay</h2><table><tr><th>key</th><th>in force</th><th>replayed</th></tr>\n");
            r.changedRules().forEach((k, v) -> out.append("<tr><td>").append(h(k)).append("</td><td>").append(h(v.get(0)))
                    .append("</td><td>").append(h(v.get(1))).append("</td></tr>\n"));
            out.append("</table>\n");
        }
        out.append("<h2>Timeline</h2><table><tr><th>time (UTC)</th><th>what</th><th>title</th></tr>\n");
        r.timeline().forEach(t -> out.append("<tr").append(t.silenced() ? " class=\"silenced\"" : "").append("><td>").append(h(t.time()))
                .append("</td><td>").append(h(t.what())).append(t.silenced() ? " (silenced)" : "").append("</td><td>")
                .append(h(t.title())).append("</td></tr>\n"));
        out.append("</table>\n<h2>Error groups</h2><table><tr><th>group</th><th>service</th><th>occurrences</th><th>alerts sent</th>"
                + "<th>not alerted</th><th>instances</th></tr>\n");
        r.groups().forEach(g -> out.append("<tr><td>").append(h(g.title())).append("<br><code>").append(h(g.fingerprint()))
                .append("</code></td><td>").append(h(g.service())).append("</td><td>").append(g.occurrences()).append("</td><td>")
                .append(g.alertsSent()).append("</td><td>").append(g.alertsSuppressed()).append("</td><td>")
                .append(h(String.join(", ", g.instances()))).append("</td></tr>\n"));
        out.append("</table>\n<h2>Services</h2><table><tr><th>service</th><th>time down</th><th>went down</th></tr>\n");
        r.services().forEach(s -> out.append("<tr><td>").append(h(s.service())).append("</td><td>").append(s.secondsDown())
                .append(" s</td><td>").append(h(String.join(", ", s.instancesDown()))).append("</td></tr>\n"));
        out.append("</table>\n");
        ReplayReport.FingerprintComparison fc = r.fingerprintComparison();
        if (fc != null) {
            out.append("<h2>Fingerprints: ").append(h(fc.current())).append(" against ").append(h(fc.candidate())).append("</h2><p>")
                    .append(fc.currentGroups()).append(" groups with ").append(h(fc.current())).append(", ").append(fc.candidateGroups())
                    .append(" with ").append(h(fc.candidate())).append(".</p><ul>\n");
            fc.merged().forEach(m -> out.append("<li>").append(h(fc.candidate())).append(" merges ").append(m.currentGroups().size())
                    .append(" groups (").append(m.occurrences()).append(" occurrences): ").append(h(String.join("; ", m.titles()))).append("</li>\n"));
            fc.split().forEach(sp -> out.append("<li>").append(h(fc.candidate())).append(" splits ").append(h(sp.title())).append(" (")
                    .append(sp.occurrences()).append(" occurrences) in ").append(sp.candidateGroups().size()).append("</li>\n"));
            out.append("</ul>\n");
        }
        out.append("</body></html>\n");
        return out.toString();
    }

    /** Errors per minute, one polyline per charted group with one point per minute, down periods shaded. */
    static String chart(ReplayReport r) {
        List<Long> minutes = r.minutes();
        int n = Math.max(1, minutes.size());
        long max = Math.max(1, r.errorsPerMinute().values().stream().flatMap(List::stream).mapToLong(Long::longValue).max().orElse(1));
        double dx = n == 1 ? 0 : (double) CHART_WIDTH / (n - 1);
        long from = minutes.isEmpty() ? 0 : minutes.get(0);
        long span = Math.max(1, (long) n * 60_000);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(CHART_WIDTH + 60).append("\" height=\"")
                .append(CHART_HEIGHT + 40).append("\" viewBox=\"-50 -10 ").append(CHART_WIDTH + 60).append(' ').append(CHART_HEIGHT + 40)
                .append("\" role=\"img\"><title>errors per minute</title>\n");
        for (ReplayReport.DownPeriod p : r.downPeriods()) {
            double x0 = (double) (p.start() - from) / span * CHART_WIDTH;
            double x1 = (double) (p.end() - from) / span * CHART_WIDTH;
            svg.append(String.format(Locale.ROOT, "<rect class=\"down\" x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" fill=\"#f4cccc\">"
                    + "<title>%s down</title></rect>%n", Math.max(0, x0), Math.max(1, x1 - x0), CHART_HEIGHT,
                    h(p.service() + (p.instance() == null ? "" : "/" + p.instance()))));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", CHART_HEIGHT, CHART_WIDTH, CHART_HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"-6\" y=\"8\" text-anchor=\"end\">%d/min</text>%n", max));
        int colour = 0;
        StringBuilder legend = new StringBuilder("<p class=\"legend\">");
        for (Map.Entry<String, List<Long>> series : r.errorsPerMinute().entrySet()) {
            String c = COLOURS[colour++ % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < series.getValue().size(); i++) {
                double y = CHART_HEIGHT - (double) series.getValue().get(i) / max * CHART_HEIGHT;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", i * dx, y));
            }
            String label = label(r, series.getKey());
            svg.append("<polyline class=\"series\" fill=\"none\" stroke=\"").append(c).append("\" points=\"").append(points.toString().trim())
                    .append("\"><title>").append(h(label)).append("</title></polyline>\n");
            legend.append("<span><i class=\"swatch\" style=\"background:").append(c).append("\"></i>").append(h(label)).append("</span>");
        }
        svg.append("</svg>\n");
        return "<h2>Errors per minute</h2>\n" + svg + legend + "</p>\n<p>" + h(Instant.ofEpochMilli(from).toString())
                + " .. " + h(r.to()) + "; shaded: services or instances down.</p>\n";
    }

    private static String label(ReplayReport r, String key) {
        return r.groups().stream().filter(g -> g.fingerprint().equals(key)).findFirst().map(g -> g.title() + " (" + g.service() + ")").orElse(key);
    }

    static String h(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    private static String md(String s) {
        return s == null ? "" : oneLine(s).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
