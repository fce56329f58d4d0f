package io.xqbus;

import io.xqbus.internal.xml.XmlWriter;

/** Small XML text helpers shared by the builder and the publisher. */
final class Xml {

    private Xml() {
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        XmlWriter.appendEscaped(s, b);
        return b.length() == s.length() ? s : b.toString();   // escaping only ever lengthens
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
