package io.tocsin.errors;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Normalisation rules that make a fingerprint stable across runs: generated and proxy class names collapse to the
 * real class, reflection and proxy glue frames are dropped, and ids in messages and routes become placeholders.
 *
 * <p>Routes: a path segment becomes {@code {id}} when it is a value or a member of a collection. A value is anything
 * but a plain name (a name is letters, {@code -}, {@code _} and {@code .} only, so a digit, an {@code @} of an email,
 * a {@code %} escape or a {@code +}/{@code =} of base64 make a value), a segment longer than {@value #NAME_MAX}
 * characters, or a token of {@value #TOKEN_MIN} or more characters where upper- and lower-case letters each make at
 * least a third of the letters (base64url; camelCase words are mostly lower-case). A member is any segment right
 * after a collection name (three or more letters ending in a single {@code s}, {@code -} and {@code _} allowed:
 * {@code users}, {@code order-items}, not {@code access}), unless it is one of {@link #COLLECTION_ACTIONS}
 * ({@code new}, {@code search}, {@code me}, ...): {@code /users/alice/orders} is {@code /users/{id}/orders}. A segment
 * that became {@code {id}} is no collection, so names and collections alternate. Erring this way merges at worst a
 * static word under a collection with ids, and only for the same exception at the same frames.
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

    /**
     * Names after a first one, each after a dot. Possessive: a repeated group the engine may backtrack into costs a
     * stack frame per repetition, and a message within the size limit made of thousands of dotted names overflowed a
     * thread's stack (while the JIT had not compiled the pattern code). Nothing can follow a shorter run of names
     * where a longer one failed (the next character is a name character or a dot), so the matches are the same.
     */
    private static final String MORE_DOTTED_NAMES = "(?:\\.[\\w-]+)++";

    private static final List<Rule> MESSAGE_RULES = List.of(
            new Rule("'", Pattern.compile("'[^']*'"), "'?'"),
            new Rule("\"", Pattern.compile("\"[^\"]*\""), "\"?\""),
            new Rule("@", Pattern.compile("[\\w.+-]+@[\\w-]+" + MORE_DOTTED_NAMES), "<email>"),
            new Rule("-", Pattern.compile("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b"), "<uuid>"),
            new Rule(".", Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?\\b"), "<ip>"),
            new Rule(":", Pattern.compile("\\b(localhost|[a-zA-Z][\\w-]*" + MORE_DOTTED_NAMES + "):\\d{1,5}\\b"), "<host:port>"),
            new Rule("@", Pattern.compile("@[0-9a-fA-F]{4,16}\\b"), "@<hash>"),
            new Rule("0", Pattern.compile("\\b0[xX][0-9a-fA-F]+\\b"), "<hex>"),
            new Rule(Pattern.compile("\\b(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\\b"), "<hex>"),
            new Rule(Pattern.compile("\\d+"), "<n>"));

    private static final String ID = "{id}";
    /** v1's rule: numbers, UUIDs, hex ids and anything with a digit. */
    private static final Pattern V1_ID_SEGMENT = Pattern.compile(
            "\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                    + "|(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}|.*\\d.*");
    /** Longer names are slugs, titles or tokens: too many to tell apart usefully. */
    static final int NAME_MAX = 32;
    static final int TOKEN_MIN = 16;
    /** Plural-looking: at least three letters, the last an 's' after anything but another 's' ("class", "access"). */
    private static final Pattern COLLECTION = Pattern.compile("\\p{L}[\\p{L}_-]*[\\p{L}&&[^sS]][sS]");
    /** Words that follow a collection as an action or alias rather than as one of its members. */
    static final Set<String> COLLECTION_ACTIONS = Set.of("new", "edit", "create", "search", "list", "all", "me", "self",
            "current", "count", "export", "import", "batch", "bulk");

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

    /** Path of a request URL with values and collection members as {@code {id}}, without query or fragment. */
    static Optional<String> route(String url) {
        return route(url, true);
    }

    /** As {@link #route(String)}; without {@code names}, only segments containing a digit become {@code {id}} (v1). */
    static Optional<String> route(String url, boolean names) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String path = url.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "").replaceFirst("[?#].*$", "");
        StringJoiner route = new StringJoiner("/");
        String previous = "";
        for (String segment : path.split("/")) {
            boolean id = names ? isValue(segment) || isMember(segment, previous) : V1_ID_SEGMENT.matcher(segment).matches();
            previous = id ? ID : segment;
            route.add(previous);
        }
        return Optional.of(route.length() == 0 ? "/" : route.toString());
    }

    private static boolean isValue(String segment) {
        return !isName(segment) || segment.length() > NAME_MAX || isToken(segment);
    }

    /** Route words are written by people: letters and word separators, never digits, escapes or symbols. */
    private static boolean isName(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (!Character.isLetter(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** Random letters are about half upper-case; camelCase and PascalCase words are mostly lower-case. */
    private static boolean isToken(String name) {
        if (name.length() < TOKEN_MIN) {
            return false;
        }
        int upper = 0;
        int lower = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            upper += Character.isUpperCase(c) ? 1 : 0;
            lower += Character.isLowerCase(c) ? 1 : 0;
        }
        int letters = upper + lower;
        return 3 * upper >= letters && 3 * lower >= letters;
    }

    private static boolean isMember(String segment, String previous) {
        return !segment.isEmpty() && COLLECTION.matcher(previous).matches()
                && !COLLECTION_ACTIONS.contains(segment.toLowerCase(Locale.ROOT));
    }
}
