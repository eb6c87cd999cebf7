package io.tocsin.privacy;

import io.tocsin.model.Alert;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.RequestInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secrets and personal data from text before it is stored, shown or posted: credentials in URLs, secret
 * query parameters, {@code Authorization} values, emails, plus any configured patterns (each match becomes
 * {@value #MASK}).
 */
public final class Scrubber {

    public static final String MASK = "[scrubbed]";

    private record Rule(Pattern pattern, String replacement) {
    }

    private static final List<Rule> DEFAULTS = List.of(
            // each rule starts only where a run of its characters starts (lookbehind) and never gives characters
            // back (possessive): linear in the text, even for a 100 kB token without spaces
            new Rule(Pattern.compile("(?i)((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*+://)[^/\\s:@]++:[^/\\s@]++@"), "$1" + MASK + "@"),
            new Rule(Pattern.compile("(?i)([?&;](?:access_token|refresh_token|id_token|token|api_key|apikey|key|secret|client_secret"
                    + "|password|passwd|pwd|auth|signature|sig|session|sessionid|jsessionid)=)[^&#\\s;]*"), "$1" + MASK),
            new Rule(Pattern.compile("(?i)(authorization\\s*[:=]\\s*)(bearer|basic|token|digest)?\\s*[^\\s,;\"']+"), "$1" + MASK),
            new Rule(Pattern.compile("(?i)\\bbearer\\s+[a-z0-9._~+/=-]{8,}"), "Bearer " + MASK),
            new Rule(Pattern.compile("\\b(xox[abposr]-[A-Za-z0-9-]+)"), MASK),
            new Rule(Pattern.compile("(?<![\\w.+-])[\\w.+-]++@[\\w-]++(?:\\.[\\w-]++)+"), "[email]"));

    private final List<Rule> rules;

    public Scrubber(List<String> extraPatterns) {
        List<Rule> all = new ArrayList<>(DEFAULTS);
        extraPatterns.forEach(p -> all.add(new Rule(Pattern.compile(p), MASK)));
        this.rules = List.copyOf(all);
    }

    public static Scrubber defaults() {
        return new Scrubber(List.of());
    }

    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        for (Rule r : rules) {
            s = r.pattern().matcher(s).replaceAll(r.replacement());
        }
        return s;
    }

    /** The alert with its title and text scrubbed (everything in it that came from an event is in those two). */
    public Alert scrub(Alert a) {
        return a.withWording(scrub(a.title()), scrub(a.text()));
    }

    /** The event with its message, cause messages, request URL and tag values scrubbed. */
    public ExceptionEvent scrub(ExceptionEvent e) {
        Map<String, String> tags = new LinkedHashMap<>();
        e.tags().forEach((k, v) -> tags.put(k, scrub(v)));
        RequestInfo request = e.request() == null ? null : new RequestInfo(e.request().method(), scrub(e.request().url()));
        return new ExceptionEvent(e.type(), e.version(), e.id(), e.timestamp(), e.service(), e.instance(), e.environment(),
                e.category(), scrub(e.exception()), request, tags, e.fingerprint(), e.count());
    }

    private ExceptionInfo scrub(ExceptionInfo x) {
        return x == null ? null : new ExceptionInfo(x.type(), scrub(x.message()), x.frames(), scrub(x.cause()));
    }
}
