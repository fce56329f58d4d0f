package io.xqbus;

import io.xqbus.internal.xml.XmlWriter;

/** Small XML text helpers shared by the builder and the publisher. */
final class Xml {

    private Xml() {
    }

    /** The text escaped for an attribute value or element content; the same string when nothing needs it. */
    static String escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (XmlWriter.escapeOf(s.charAt(i)) != null) {
                StringBuilder b = new StringBuilder(s.length() + 16);
                XmlWriter.appendEscaped(s, b);
                return b.toString();
            }
        }
        return s;   // the publisher escapes a few envelope values per event: most need nothing
    }

    static boolean isNcName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = Character.isLetter(c) || c == '_' || (i > 0 && (Character.isDigit(c) || c == '-' || c == '.'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
