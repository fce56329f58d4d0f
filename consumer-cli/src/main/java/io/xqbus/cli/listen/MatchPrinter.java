package io.xqbus.cli.listen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import net.sf.saxon.s9api.DocumentBuilder;
import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.SaxonApiException;
import net.sf.saxon.s9api.Serializer;
import net.sf.saxon.s9api.WhitespaceStrippingPolicy;
import net.sf.saxon.s9api.XdmItem;
import net.sf.saxon.s9api.XdmNode;

import io.xqbus.Event;
import io.xqbus.Match;
import io.xqbus.internal.Printable;

/**
 * Prints matches as brief §7 says: {@code xml} puts each result on one line (whitespace-only text nodes
 * dropped, newlines and every other control character escaped as character references such as
 * {@code &#10;}); {@code ndjson} writes one JSON object per match with the envelope fields, the filter name
 * and the result (a string, or an array of strings for several items), control characters as
 * {@code \u001b}. What is printed besides the result, and whether the envelope is kept, is a {@link Handover}.
 * Thread-safe.
 */
final class MatchPrinter {

    private final OutputFormat format;
    private final PrintWriter out;
    private final Processor processor = new Processor(false);

    MatchPrinter(OutputFormat format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    /** Prints one match and flushes; thread-safe. */
    synchronized void printAndFlush(Match match) {
        printAndFlush(match, Handover.DEFAULT);
    }

    /** Prints one match as {@code handover} says and flushes; thread-safe. */
    synchronized void printAndFlush(Match match, Handover handover) {
        out.println(format(match, handover));
        out.flush();
    }

    /** The line for one match. */
    synchronized String format(Match match) {
        return format(match, Handover.DEFAULT);
    }

    /**
     * The line for one match: {@code xml} prints what {@code handover} selects (the result, the event or the
     * payload); {@code ndjson} always has the result and, for {@code event} or {@code payload}, a field of that name.
     */
    synchronized String format(Match match, Handover handover) {
        List<String> items = new ArrayList<>();
        for (XdmItem item : match.result()) {
            items.add(oneLine(item));
        }
        Event e = match.event();
        String handed = switch (handover.print()) {
            case result -> null;
            case event -> oneLine(handover.document(e));
            case payload -> oneLine(e.payload());
        };
        if (format == OutputFormat.xml) {
            return handed != null ? handed : String.join(" ", items);
        }
        StringBuilder b = new StringBuilder(256).append('{');
        field(b, "id", e.id()).append(',');
        field(b, "type", e.type()).append(',');
        field(b, "ns", e.namespace()).append(',');
        field(b, "source", e.source()).append(',');
        field(b, "producer", e.producer()).append(',');
        b.append("\"seq\":").append(e.seq() == null ? "null" : e.seq().toString()).append(',');
        field(b, "time", e.time()).append(',');
        field(b, "filter", match.filter()).append(',');
        b.append("\"result\":");
        if (items.size() == 1) {
            json(b, items.get(0));
        } else {
            b.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                json(b, items.get(i));
            }
            b.append(']');
        }
        if (handed != null) {
            b.append(',');
            field(b, handover.print().name(), handed);
        }
        return b.append('}').toString();
    }

    private String oneLine(XdmItem item) {
        if (!(item instanceof XdmNode node)) {
            return escapeControls(item.getStringValue());
        }
        try {
            DocumentBuilder builder = processor.newDocumentBuilder();
            builder.setWhitespaceStrippingPolicy(WhitespaceStrippingPolicy.ALL);
            XdmNode stripped = builder.build(node.asSource());
            StringWriter w = new StringWriter();
            Serializer s = processor.newSerializer(w);
            s.setOutputProperty(Serializer.Property.OMIT_XML_DECLARATION, "yes");
            s.setOutputProperty(Serializer.Property.INDENT, "no");
            s.serializeNode(stripped);
            return escapeControls(w.toString());
        } catch (SaxonApiException e) {
            return escapeControls(node.toString());
        }
    }

    /**
     * Every control character (C0 with newline and tab, DEL, C1, U+2028/U+2029) as a character reference: the
     * result stays on one line, and an escape sequence an event carries (XML 1.1 allows {@code &#x1B;}) never
     * reaches a terminal or an append file raw.
     */
    private static String escapeControls(String s) {
        int i = 0;
        while (i < s.length() && !Printable.control(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Printable.control(c)) {
                b.append("&#").append((int) c).append(';');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":");
        if (value == null) {
            return b.append("null");
        }
        return json(b, value);
    }

    private static StringBuilder json(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Printable.control(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
