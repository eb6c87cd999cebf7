package io.tocsin.errors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.RequestInfo;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs the fingerprint corpus ({@code fingerprint-corpus.json}): each pair must group together, or must not. */
class FingerprintCorpusTest {

    private final Fingerprinter fingerprinter = new Fingerprinter();

    @TestFactory
    Stream<DynamicTest> corpus() throws Exception {
        JsonNode corpus;
        try (InputStream in = getClass().getResourceAsStream("/fingerprint-corpus.json")) {
            corpus = new EventCodec().mapper().readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        long together = 0;
        for (JsonNode c : corpus.path("cases")) {
            boolean group = c.path("group").asBoolean();
            together += group ? 1 : 0;
            tests.add(DynamicTest.dynamicTest((group ? "groups: " : "apart: ") + c.path("name").asText(), () -> {
                String a = fingerprinter.fingerprint(event(c.path("a"))).id();
                String b = fingerprinter.fingerprint(event(c.path("b"))).id();
                if (group) {
                    assertThat(b).isEqualTo(a);
                } else {
                    assertThat(b).isNotEqualTo(a);
                }
            }));
        }
        assertThat(together).as("cases that must group").isGreaterThanOrEqualTo(40);
        return tests.stream();
    }

    private static ExceptionEvent event(JsonNode n) {
        Map<String, String> tags = new LinkedHashMap<>();
        n.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
        List<String> custom = null;
        if (n.has("fingerprint")) {
            custom = new ArrayList<>();
            for (JsonNode part : n.path("fingerprint")) {
                custom.add(part.asText());
            }
        }
        RequestInfo request = n.has("url") ? new RequestInfo(n.path("method").asText("GET"), n.path("url").asText()) : null;
        return new ExceptionEvent("exception", 1, "id", Instant.EPOCH, n.path("service").asText("orders"),
                n.path("instance").asText("orders-1"), n.path("environment").asText("prod"), n.path("category").asText("RUNTIME"),
                info(n), request, tags, custom, 1);
    }

    private static ExceptionInfo info(JsonNode n) {
        List<Frame> frames = new ArrayList<>();
        boolean noFiles = "none".equals(n.path("files").asText());
        for (JsonNode f : n.path("frames")) {
            String spec = f.asText();
            boolean inApp = !spec.startsWith("!");
            String s = inApp ? spec : spec.substring(1);
            int colon = s.lastIndexOf(':');
            String qualified = s.substring(0, colon);
            int dot = qualified.lastIndexOf('.');
            String cls = qualified.substring(0, dot);
            frames.add(new Frame(cls, qualified.substring(dot + 1),
                    noFiles ? null : cls.substring(cls.lastIndexOf('.') + 1) + ".java", Integer.parseInt(s.substring(colon + 1)), inApp));
        }
        return new ExceptionInfo(n.path("type").asText(), n.path("message").asText(null), frames,
                n.has("cause") ? info(n.path("cause")) : null);
    }
}
