package io.xqbus.internal.xml;

import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.Locator;

/**
 * Writes SAX events as XML text: the payload serialiser of the producer. Namespace declarations are written
 * exactly as reported by {@code startPrefixMapping} (the event parser reports every namespace in scope on the
 * payload root), names as their qualified names. Far cheaper per event than a general serialiser pipeline:
 * it writes into a char array of its own, since a {@code StringBuilder} checks every appended char for
 * Latin-1, and makes the string once, with {@link #text()}. Internal; one instance per document.
 */
public final class XmlWriter implements ContentHandler {

    private char[] out;
    private int length;
    private final StringBuilder pendingNamespaces = new StringBuilder();
    private boolean startTagOpen;

    /** @param capacity the expected length of the text, in chars */
    public XmlWriter(int capacity) {
        this.out = new char[Math.max(capacity, 64)];
    }

    /** The XML written so far. */
    public String text() {
        return new String(out, 0, length);
    }

    private XmlWriter append(char c) {
        room(1);
        out[length++] = c;
        return this;
    }

    private XmlWriter append(CharSequence s) {
        int n = s.length();
        room(n);
        if (s instanceof String string) {
            string.getChars(0, n, out, length);
        } else {
            ((StringBuilder) s).getChars(0, n, out, length);
        }
        length += n;
        return this;
    }

    private XmlWriter append(char[] ch, int start, int n) {
        room(n);
        System.arraycopy(ch, start, out, length, n);
        length += n;
        return this;
    }

    private void room(int n) {
        if (length + n > out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, length + n));
        }
    }

    @Override
    public void setDocumentLocator(Locator locator) {
    }

    @Override
    public void startDocument() {
    }

    @Override
    public void endDocument() {
        closeStartTag();
    }

    @Override
    public void startPrefixMapping(String prefix, String uri) {
        pendingNamespaces.append(prefix.isEmpty() ? " xmlns" : " xmlns:" + prefix).append("=\"").append(escape(uri)).append('"');
    }

    @Override
    public void endPrefixMapping(String prefix) {
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes atts) {
        closeStartTag();
        append('<').append(qName).append(pendingNamespaces);
        pendingNamespaces.setLength(0);
        for (int i = 0; i < atts.getLength(); i++) {
            append(' ').append(atts.getQName(i)).append("=\"");
            append(escape(atts.getValue(i))).append('"');
        }
        startTagOpen = true;
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
        if (startTagOpen) {
            append("/>");
            startTagOpen = false;
        } else {
            append("</").append(qName).append('>');
        }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
        closeStartTag();
        int end = start + length;
        int run = start;   // copied in runs: most text needs no escape at all
        for (int i = start; i < end; i++) {
            String escape = switch (ch[i]) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '\r' -> "&#13;";
                default -> null;
            };
            if (escape != null) {
                append(ch, run, i - run).append(escape);
                run = i + 1;
            }
        }
        append(ch, run, end - run);
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) {
        characters(ch, start, length);
    }

    @Override
    public void processingInstruction(String target, String data) {
    }

    @Override
    public void skippedEntity(String name) {
    }

    private void closeStartTag() {
        if (startTagOpen) {
            append('>');
            startTagOpen = false;
        }
    }

    /**
     * The text escaped for an attribute value or element content: markup characters, the quote, and the
     * whitespace an attribute value would otherwise lose to normalisation. The same string when nothing needs
     * it (most values); otherwise copied in runs between escapes.
     */
    public static String escape(String s) {
        int i = 0;
        while (i < s.length() && escapeOf(s.charAt(i)) == null) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        int run = i;
        for (; i < s.length(); i++) {
            String escape = escapeOf(s.charAt(i));
            if (escape != null) {
                b.append(s, run, i).append(escape);
                run = i + 1;
            }
        }
        return b.append(s, run, s.length()).toString();
    }

    /** What {@link #escape} writes for a character, or null when it stays as it is. */
    private static String escapeOf(char c) {
        return switch (c) {
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '&' -> "&amp;";
            case '"' -> "&quot;";
            case '\n' -> "&#10;";
            case '\r' -> "&#13;";
            case '\t' -> "&#9;";
            default -> null;
        };
    }
}
