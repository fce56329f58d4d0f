package io.xqbus.internal.xml;

import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.Locator;

/**
 * Writes SAX events as XML text: the payload serialiser of the producer. Namespace declarations are written
 * exactly as reported by {@code startPrefixMapping} (the event parser reports every namespace in scope on the
 * payload root), names as their qualified names. Far cheaper per event than a general serialiser pipeline.
 * Internal; one instance per document.
 */
public final class XmlWriter implements ContentHandler {

    private final StringBuilder out;
    private final StringBuilder pendingNamespaces = new StringBuilder();
    private boolean startTagOpen;

    public XmlWriter(StringBuilder out) {
        this.out = out;
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
        pendingNamespaces.append(prefix.isEmpty() ? " xmlns" : " xmlns:" + prefix).append("=\"");
        appendEscaped(uri, pendingNamespaces);
        pendingNamespaces.append('"');
    }

    @Override
    public void endPrefixMapping(String prefix) {
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes atts) {
        closeStartTag();
        out.append('<').append(qName).append(pendingNamespaces);
        pendingNamespaces.setLength(0);
        for (int i = 0; i < atts.getLength(); i++) {
            out.append(' ').append(atts.getQName(i)).append("=\"");
            appendEscaped(atts.getValue(i), out);
            out.append('"');
        }
        startTagOpen = true;
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
        if (startTagOpen) {
            out.append("/>");
            startTagOpen = false;
        } else {
            out.append("</").append(qName).append('>');
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
                out.append(ch, run, i - run).append(escape);
                run = i + 1;
            }
        }
        out.append(ch, run, end - run);
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
            out.append('>');
            startTagOpen = false;
        }
    }

    /**
     * Appends text escaped for an attribute value or element content: markup characters, the quote, and the
     * whitespace an attribute value would otherwise lose to normalisation. Copied in runs between escapes.
     */
    public static void appendEscaped(String s, StringBuilder b) {
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            String escape = escapeOf(s.charAt(i));
            if (escape != null) {
                b.append(s, run, i).append(escape);
                run = i + 1;
            }
        }
        b.append(s, run, s.length());
    }

    /** What {@link #appendEscaped} writes for a character, or null when it stays as it is. */
    public static String escapeOf(char c) {
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
