package io.xqbus.internal;

/**
 * The one escaping of text that came from an event (ids, types, sources, addresses, error messages quoting
 * event content) before it is logged or printed as a line: control characters become visible escapes, so
 * an id holding a newline cannot forge a log line and an escape sequence never reaches a terminal
 * (brief §10, output safety). Internal.
 */
public final class Printable {

    private Printable() {
    }

    /**
     * The text with C0 controls, DEL, C1 controls and the Unicode line and paragraph separators written as
     * {@code \n}, {@code \r}, {@code \t} or {@code \u001b}; the same string when there are none (nearly
     * always). {@code null} (and a null {@code toString()}) is {@code "null"}, as a log line would show it.
     */
    public static String of(Object value) {
        String s = value == null ? null : value.toString();
        if (s == null) {
            return "null";
        }
        int i = 0;
        while (i < s.length() && !control(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!control(c)) {
                b.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    /** Whether a character must not reach a log or terminal raw. */
    public static boolean control(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029';
    }
}
