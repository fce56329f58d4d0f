package io.xqbus;

/** Small XML name helpers shared by the builder and the publisher. */
final class Xml {

    private Xml() {
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
