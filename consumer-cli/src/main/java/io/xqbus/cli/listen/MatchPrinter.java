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

/**
 * Prints matches as brief §7 says: {@code xml} puts each result on one line (whitespace-only text nodes
 * dropped, newlines inside text escaped as {@code &#10;}); {@code ndjson} writes one JSON object per match
 * with the envelope fields, the filter name and the result (a string, or an array of strings for several
 * items). Thread-safe.
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
        out.println(format(match));
        out.flush();
    }

    /** The line for one match. */
    synchronized String format(Match match) {
        List<String> items = new ArrayList<>();
        for (XdmItem item : match.result()) {
            items.add(oneLine(item));
        }
        if (format == OutputFormat.xml) {
            return String.join(" ", items);
        }
        Event e = match.event();
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
        return b.append('}').toString();
    }

    private String oneLine(XdmItem item) {
        if (!(item instanceof XdmNode node)) {
            return escapeNewlines(item.getStringValue());
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
            return escapeNewlines(w.toString());
        } catch (SaxonApiException e) {
            return escapeNewlines(node.toString());
        }
    }

    private static String escapeNewlines(String s) {
        return s.replace("\r", "&#13;").replace("\n", "&#10;");
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
                    if (c < 0x20) {
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
