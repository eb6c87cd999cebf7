package io.tocsin.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.model.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

    private static final Instant FROM = Instant.parse("2026-11-24T02:00:00Z");

    @Test
    void theHtmlReportIsOneFileWhoseChartHasOnePointPerMinuteOfTheRange() {
        ReplayReport report = report(120, "<script>alert(1)</script>");

        String html = new ReportWriter().write(report, ReportWriter.Format.HTML);

        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("src=", "href=", "<link", "@import", "<script");
        Matcher polylines = Pattern.compile("<polyline class=\"series\"[^>]* points=\"([^\"]*)\"").matcher(html);
        int series = 0;
        while (polylines.find()) {
            series++;
            assertThat(polylines.group(1).split(" ")).hasSize(120);
        }
        assertThat(series).isEqualTo(2);
        assertThat(html).contains("<rect class=\"down\"").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void markdownEscapesTableBreakingText() {
        String md = new ReportWriter().write(report(3, "a | b\nc <x>"), ReportWriter.Format.MARKDOWN);

        assertThat(md).contains("a \\| b c &lt;x&gt;");
    }

    private static ReplayReport report(int minutes, String title) {
        List<Long> axis = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int i = 0; i < minutes; i++) {
            axis.add(FROM.toEpochMilli() + i * 60_000L);
            counts.add((long) (i % 7));
        }
        Instant to = FROM.plusSeconds(60L * minutes);
        return new ReplayReport(FROM.toString(), to.toString(), Map.of("error.alert.limit", "5"), Map.of(),
                new ReplayReport.Counts(10, 100, 0, 1, 0), List.<Alert>of(),
                List.of(new ReplayReport.TimelineEntry(FROM.toString(), "ERROR", "v2-abc", title, false)),
                List.of(new ReplayReport.GroupSummary("v2-abc", title, "orders", 10, 1, 9, List.of("orders-1"))),
                List.of(new ReplayReport.ServiceSummary("web", null, 60, List.of("web-1"))),
                axis, Map.of("v2-abc", counts, "other", counts),
                List.of(new ReplayReport.DownPeriod("web", "web-1", FROM.toEpochMilli() + 60_000, FROM.toEpochMilli() + 120_000)), null);
    }
}
