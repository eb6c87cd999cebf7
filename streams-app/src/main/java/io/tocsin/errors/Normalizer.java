package io.tocsin.errors;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Normalisation rules that make a fingerprint stable across runs: generated and proxy class names collapse to the
 * real class, reflection and proxy glue frames are dropped, and ids in messages and routes become placeholders.
 */
final class Normalizer {

    /** A rewrite, tried only when its cheap trigger is in the text: most names and messages need few or none. */
    private record Rule(String trigger, Pattern pattern, String replacement) {
        Rule(Pattern pattern, String replacement) {
            this("", pattern, replacement);
        }

        String apply(String s) {
            return s.contains(trigger) ? pattern.matcher(s).replaceAll(replacement) : s;
        }
    }

    private static final List<Rule> CLASS_RULES = List.of(
            new Rule("$$EnhancerBy", Pattern.compile("\\$\\$EnhancerBy[A-Za-z]*CGLIB\\$\\$[0-9a-zA-Z]+(\\$\\$FastClassBy[A-Za-z]*CGLIB\\$\\$[0-9a-zA-Z]+)?"), ""),
            new Rule("$$FastClassBy", Pattern.compile("\\$\\$FastClassBy[A-Za-z]*CGLIB\\$\\$[0-9a-zA-Z]+"), ""),
            new Rule("$$SpringCGLIB", Pattern.compile("\\$\\$SpringCGLIB\\$\\$\\d+"), ""),
            new Rule("$HibernateProxy", Pattern.compile("\\$HibernateProxy\\$[0-9a-zA-Z]+"), ""),
            new Rule("$ByteBuddy", Pattern.compile("\\$ByteBuddy\\$[0-9a-zA-Z]+(\\$auxiliary\\$[0-9a-zA-Z]+)?"), ""),
            new Rule("$accessor", Pattern.compile("\\$accessor\\$[0-9a-zA-Z]+"), ""),
            new Rule("$$Lambda", Pattern.compile("\\$\\$Lambda(\\$\\d+)?/(0x)?[0-9a-fA-F]+"), "\\$\\$Lambda"),
            new Rule("$$Lambda", Pattern.compile("\\$\\$Lambda\\$\\d+"), "\\$\\$Lambda"),
            // anonymous and synthetic numbering shifts with unrelated edits
            new Rule(Pattern.compile("\\$\\d+"), "\\$"));

    private static final List<Rule> METHOD_RULES = List.of(
            new Rule("$accessor", Pattern.compile("\\$accessor\\$[0-9a-zA-Z]+"), ""),
            new Rule(Pattern.compile("^(lambda\\$.*?)\\$\\d+$"), "$1"),
            new Rule(Pattern.compile("\\$\\d+"), "\\$"));

    private static final Pattern GLUE_FRAME = Pattern.compile(
            "^(jdk\\.proxy\\d+\\.\\$Proxy\\d+|com\\.sun\\.proxy\\.\\$Proxy\\d+|\\$Proxy\\d+"
                    + "|jdk\\.internal\\.reflect\\..*|sun\\.reflect\\..*|java\\.lang\\.invoke\\.LambdaForm\\$.*"
                    + "|.*\\.GeneratedMethodAccessor\\d+|.*\\.GeneratedConstructorAccessor\\d+"
                    + "|.*\\.NativeMethodAccessorImpl|.*\\.DelegatingMethodAccessorImpl|.*\\.DirectMethodHandleAccessor"
                    + "|java\\.lang\\.reflect\\.Method)$");

    private static final List<Rule> MESSAGE_RULES = List.of(
            new Rule("'", Pattern.compile("'[^']*'"), "'?'"),
            new Rule("\"", Pattern.compile("\"[^\"]*\""), "\"?\""),
            new Rule("@", Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+"), "<email>"),
            new Rule("-", Pattern.compile("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b"), "<uuid>"),
            new Rule(".", Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?\\b"), "<ip>"),
            new Rule(":", Pattern.compile("\\b(localhost|[a-zA-Z][\\w-]*(\\.[\\w-]+)+):\\d{1,5}\\b"), "<host:port>"),
            new Rule("@", Pattern.compile("@[0-9a-fA-F]{4,16}\\b"), "@<hash>"),
            new Rule("0", Pattern.compile("\\b0[xX][0-9a-fA-F]+\\b"), "<hex>"),
            new Rule(Pattern.compile("\\b(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\\b"), "<hex>"),
            new Rule(Pattern.compile("\\d+"), "<n>"));

    private static final Pattern ID_SEGMENT = Pattern.compile(
            "\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                    + "|(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}|.*\\d.*");

    private Normalizer() {
    }

    static String className(String name) {
        if (name.indexOf('$') < 0) {
            return name;
        }
        String s = name;
        for (Rule r : CLASS_RULES) {
            s = r.apply(s);
        }
        return s;
    }

    static String method(String name) {
        if (name.indexOf('$') < 0) {
            return name;
        }
        String s = name;
        for (Rule r : METHOD_RULES) {
            s = r.apply(s);
        }
        return s;
    }

    static boolean isGlue(String className) {
        boolean candidate = className.startsWith("jdk.") || className.startsWith("sun.") || className.startsWith("com.sun.proxy")
                || className.startsWith("java.lang.") || className.startsWith("$Proxy") || className.contains("Accessor");
        return candidate && GLUE_FRAME.matcher(className).matches();
    }

    static String message(String message) {
        if (message == null) {
            return "";
        }
        String s = message.strip();
        for (Rule r : MESSAGE_RULES) {
            s = r.apply(s);
        }
        return s;
    }

    /** Path of a request URL with ids as {@code {id}} and without query or fragment. */
    static Optional<String> route(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String path = url.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "").replaceFirst("[?#].*$", "");
        String route = Arrays.stream(path.split("/"))
                .map(segment -> ID_SEGMENT.matcher(segment).matches() ? "{id}" : segment)
                .collect(Collectors.joining("/"));
        return Optional.of(route.isEmpty() ? "/" : route);
    }
}
