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
        escapeAttribute(uri, pendingNamespaces);
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
            escapeAttribute(atts.getValue(i), out);
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
        for (int i = start; i < start + length; i++) {
            char c = ch[i];
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
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

    private static void escapeAttribute(String s, StringBuilder b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\n' -> b.append("&#10;");
                case '\r' -> b.append("&#13;");
                case '\t' -> b.append("&#9;");
                default -> b.append(c);
            }
        }
    }
}
