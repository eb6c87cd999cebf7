package io.tocsin.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders alerts as Block Kit messages: for one alert a headline, the facts, the detail in a code block and a link to
 * its group; for a batch a compact list. A context line {@code tocsin:<alert id>} per alert lets every post be traced
 * to (and de-duplicated by) its alerts. All text that came from an event is escaped, so {@code <!channel>} is shown,
 * never pings; only the route's configured mention is put in as is. Secrets were scrubbed before the alert was written
 * (see {@code AlertRouter}): delivery shows what the alerts topic holds.
 */
public final class SlackMessage {

    static final int SECTION_MAX = 2900;
    static final int MAX_LISTED = 40;
    private static final int HEADLINE_MAX = 700;

    private final ObjectMapper mapper;
    private final Optional<String> mention;
    private final Optional<String> publicUrl;

    public SlackMessage(ObjectMapper mapper, Optional<String> mention, Optional<String> publicUrl) {
        this.mapper = mapper;
        this.mention = mention;
        this.publicUrl = publicUrl.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    }

    /** The fallback text shown in notifications. */
    public String fallbackText(List<Alert> alerts) {
        String text = alerts.size() == 1 ? headline(alerts.get(0)) : alerts.size() + " alerts: " + alerts.stream()
                .map(a -> a.kind() + " " + safe(a.service())).distinct().collect(Collectors.joining(", "));
        return SlackText.truncate(mention.map(m -> m + " ").orElse("") + text, HEADLINE_MAX);
    }

    public ArrayNode blocks(List<Alert> alerts) {
        return alerts.size() == 1 ? single(alerts.get(0)) : batch(alerts);
    }

    /** The complete incoming-webhook payload. */
    public String webhookPayload(List<Alert> alerts) {
        ObjectNode payload = mapper.createObjectNode();
        payload.put("text", fallbackText(alerts));
        payload.set("blocks", blocks(alerts));
        return payload.toString();
    }

    private ArrayNode single(Alert alert) {
        ArrayNode blocks = mapper.createArrayNode();
        blocks.add(section(mention.map(m -> m + " ").orElse("") + "*" + SlackText.truncate(safe(alert.title()), HEADLINE_MAX) + "*"));
        blocks.add(section(facts(alert)));
        if (alert.text() != null && !alert.text().isBlank()) {
            blocks.add(section("```" + SlackText.truncate(safe(alert.text()), SECTION_MAX - 6) + "```"));
        }
        blocks.add(context(List.of(alert)));
        return blocks;
    }

    private ArrayNode batch(List<Alert> alerts) {
        ArrayNode blocks = mapper.createArrayNode();
        blocks.add(section(mention.map(m -> m + " ").orElse("") + "*" + alerts.size() + " alerts* (sent together: this route is behind)"));
        StringBuilder list = new StringBuilder();
        for (Alert a : alerts.subList(0, Math.min(MAX_LISTED, alerts.size()))) {
            list.append(icon(a.kind())).append(' ').append(a.kind()).append(" `").append(safe(a.service())).append('`')
                    .append(a.instance() == null ? "" : " `" + safe(a.instance()) + "`")
                    .append(a.occurrence() == null ? "" : " " + a.occurrence() + "/" + a.limit())
                    .append(": ").append(safe(a.title())).append('\n');
        }
        if (alerts.size() > MAX_LISTED) {
            list.append("… and ").append(alerts.size() - MAX_LISTED).append(" more");
        }
        blocks.add(section(SlackText.truncate(list.toString(), SECTION_MAX)));
        blocks.add(context(alerts));
        return blocks;
    }

    private ObjectNode context(List<Alert> alerts) {
        ObjectNode context = mapper.createObjectNode().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", alerts.stream().map(a -> "tocsin:" + a.id()).collect(Collectors.joining(" ")));
        return context;
    }

    private String headline(Alert alert) {
        return icon(alert.kind()) + " " + alert.kind() + " " + safe(alert.title()) + " (" + safe(alert.service()) + "/"
                + safe(alert.environment()) + ")";
    }

    private String facts(Alert alert) {
        StringBuilder f = new StringBuilder();
        f.append(icon(alert.kind())).append(" *").append(alert.kind()).append("*  ")
                .append("`").append(safe(alert.service())).append("` · `").append(safe(alert.environment())).append("`");
        if (alert.instance() != null) {
            f.append(" · instance `").append(safe(alert.instance())).append("`");
        }
        if (alert.occurrence() != null && alert.limit() != null) {
            f.append("\noccurrence ").append(alert.occurrence()).append('/').append(alert.limit());
        }
        if (alert.windowStart() != null && alert.windowEnd() != null) {
            f.append("\nwindow ").append(alert.windowStart()).append(" – ").append(alert.windowEnd());
        }
        if (alert.kind() == AlertKind.ERROR_DIGEST) {
            f.append("\nsuppressed ").append(alert.suppressed());
        }
        f.append("\nat ").append(alert.timestamp());
        consoleLink(alert).ifPresent(link -> f.append("\n").append(link));
        return SlackText.truncate(f.toString(), SECTION_MAX);
    }

    /** The console page about the alert: its error group, or its service's instances; when the app's URL is known. */
    private Optional<String> consoleLink(Alert alert) {
        if (publicUrl.isEmpty() || alert.kind() == AlertKind.CANARY) {
            return Optional.empty();
        }
        if (alert.kind() == AlertKind.ERROR || alert.kind() == AlertKind.ERROR_DIGEST) {
            return Optional.of("<" + publicUrl.get() + "/group.html?fingerprint=" + urlPart(alert.key()) + "|error group>");
        }
        return alert.service() == null ? Optional.empty()
                : Optional.of("<" + publicUrl.get() + "/instances.html?service=" + urlPart(alert.service()) + "|instances>");
    }

    /** Percent-encoded, so nothing in it can end Slack's {@code <url|text>} early. */
    private static String urlPart(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Event text as Slack may show it: markup characters escaped. */
    private String safe(String text) {
        return SlackText.escape(text);
    }

    private ObjectNode section(String mrkdwn) {
        ObjectNode section = mapper.createObjectNode().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
        return section;
    }

    private static String icon(AlertKind kind) {
        return switch (kind) {
            case ERROR, ERROR_DIGEST -> ":rotating_light:";
            case INSTANCE_DOWN, SERVICE_DOWN -> ":red_circle:";
            case INSTANCE_UP, SERVICE_UP -> ":large_green_circle:";
            case INSTANCE_FLAPPING -> ":warning:";
            case CANARY -> ":bird:";
        };
    }
}
