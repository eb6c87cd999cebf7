package io.tocsin.delivery;

/**
 * Slack's mrkdwn treats {@code <…>} as links, mentions and commands ({@code <!channel>}); text that came from an
 * event must be escaped so it is shown literally and pings no one.
 */
public final class SlackText {

    private SlackText() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Cuts text to fit a Slack block (counted after escaping) and says so. */
    public static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        String marker = "… (truncated)";
        int cut = max - marker.length();
        // never cut an escape sequence in half
        int amp = text.lastIndexOf('&', cut);
        if (amp >= 0 && amp > cut - 5 && text.indexOf(';', amp) >= cut) {
            cut = amp;
        }
        return text.substring(0, cut) + marker;
    }
}
