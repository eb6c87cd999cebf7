package io.tocsin.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;

/**
 * Renders an alert as a Block Kit message: a headline, the facts, the detail in a code block, and a context line
 * {@code tocsin:<alert id>} so every post can be traced to (and de-duplicated by) its alert. All event text is
 * escaped.
 */
public final class SlackMessage {

    static final int SECTION_MAX = 2900;
    private static final int HEADLINE_MAX = 700;

    private final ObjectMapper mapper;

    public SlackMessage(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The fallback text shown in notifications, escaped. */
    public String fallbackText(Alert alert) {
        return SlackText.truncate(icon(alert.kind()) + " " + alert.kind() + " " + SlackText.escape(alert.title())
                + " (" + SlackText.escape(alert.service()) + "/" + SlackText.escape(alert.environment()) + ")", HEADLINE_MAX);
    }

    public ArrayNode blocks(Alert alert) {
        ArrayNode blocks = mapper.createArrayNode();
        blocks.add(section("*" + SlackText.truncate(SlackText.escape(alert.title()), HEADLINE_MAX) + "*"));
        blocks.add(section(facts(alert)));
        if (alert.text() != null && !alert.text().isBlank()) {
            blocks.add(section("```" + SlackText.truncate(SlackText.escape(alert.text()), SECTION_MAX - 6) + "```"));
        }
        ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn").put("text", "tocsin:" + alert.id());
        return blocks;
    }

    /** The complete incoming-webhook payload. */
    public String webhookPayload(Alert alert) {
        ObjectNode payload = mapper.createObjectNode();
        payload.put("text", fallbackText(alert));
        payload.set("blocks", blocks(alert));
        return payload.toString();
    }

    private String facts(Alert alert) {
        StringBuilder f = new StringBuilder();
        f.append(icon(alert.kind())).append(" *").append(alert.kind()).append("*  ")
                .append("`").append(SlackText.escape(alert.service())).append("` · `")
                .append(SlackText.escape(alert.environment())).append("`");
        if (alert.instance() != null) {
            f.append(" · instance `").append(SlackText.escape(alert.instance())).append("`");
        }
        if (alert.occurrence() != null && alert.limit() != null) {
            f.append("\noccurrence ").append(alert.occurrence()).append('/').append(alert.limit());
            if (alert.windowStart() != null && alert.windowEnd() != null) {
                f.append(" in window ").append(alert.windowStart()).append(" – ").append(alert.windowEnd());
            }
        }
        f.append("\nat ").append(alert.timestamp());
        return SlackText.truncate(f.toString(), SECTION_MAX);
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
        };
    }
}
